import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { loadConfig, type AppConfig } from '../../../src/config/app-config.js';
import { loadLabEnv } from '../../../src/config/lab-env.js';
import { GraphClient } from '../../../src/graph/graph-client.js';
import { applyConstraints } from '../../../src/graph/schema-migrator.js';

/** The running lab (started by scripts/test.sh or `ffo lab up`), seen through its lab.env. */
export function labConfig(): AppConfig {
  const file = loadLabEnv();
  if (!file) throw new Error('no lab is running: start it with `ffo lab up` (make test does this)');
  return loadConfig();
}

export async function openGraph(config: AppConfig = labConfig()): Promise<GraphClient> {
  const graph = new GraphClient(config.graph);
  await graph.verify();
  await applyConstraints(graph);
  return graph;
}

export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** govc against the lab's vCenter simulator: an independent view of the same inventory. */
export async function govc<T = unknown>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const bin = process.env.FFO_GOVC;
  if (!bin) throw new Error('FFO_GOVC is not set by the lab');
  const { stdout } = await execa(bin, args, { env: { ...env } });
  return (args.includes('-json') ? JSON.parse(stdout) : stdout) as T;
}
