import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../../src/config/app-config.js';

export interface PrivateVcsim {
  url: string;
  username: string;
  password: string;
  instanceUuid: string;
  /** Environment for govc against this simulator. */
  govcEnv: Record<string, string>;
  /** `config` with this simulator as its only vCenter, named `name` (the password goes to a unique env var). */
  asVCenter(config: AppConfig, name: string, password?: string): AppConfig;
  stop(): Promise<void>;
}

/**
 * A vCenter simulator of the test's own (own port, own datastore dir, own instanceUuid), for tests that change
 * the inventory: they must not disturb the lab's seeded estate, and their twin must not collide with it.
 */
export async function startPrivateVcsim(
  flags: string[] = ['-dc', '1', '-cluster', '1', '-host', '2', '-vm', '3'],
): Promise<PrivateVcsim> {
  const bin = process.env.FFO_VCSIM_BIN;
  if (!bin) throw new Error('FFO_VCSIM_BIN is not set by the lab');
  const dir = mkdtempSync(join(tmpdir(), 'ffo-vcsim-'));
  const username = 'ffo-test';
  const password = randomUUID().replace(/-/g, '');
  const instanceUuid = randomUUID();
  const child: ChildProcess = spawn(
    bin,
    ['-l', '127.0.0.1:0', '-tls=false', '-username', username, '-password', password, ...flags],
    {
      env: { ...process.env, TMPDIR: dir, VCSIM_INSTANCE_UUID: instanceUuid },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /GOVC_URL=(\S+)/.exec(out);
      if (match) {
        child.stdout?.off('data', onData);
        const u = new URL(match[1]!);
        resolve(`${u.protocol}//${u.host}${u.pathname}`);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`vcsim exited with ${code} before it was ready`)));
  });
  child.stderr?.resume();
  return {
    url,
    username,
    password,
    instanceUuid,
    govcEnv: {
      GOVC_URL: url,
      GOVC_USERNAME: username,
      GOVC_PASSWORD: password,
      GOVC_INSECURE: '1',
      GOVMOMI_HOME: join(dir, 'govmomi-home'),
      GOVC_PERSIST_SESSION: 'false',
    },
    asVCenter: (config, name, pw = password) => {
      const passwordEnv = `FFO_TEST_PW_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}_${randomUUID().slice(0, 4)}`;
      process.env[passwordEnv] = pw;
      return {
        ...config,
        vcenters: new Map([[name, { name, url, username, passwordEnv, caFile: null, insecure: false }]]),
      };
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
