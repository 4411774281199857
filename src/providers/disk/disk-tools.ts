// What this conversion host can do: which disk tools (and nbdkit plugins/filters) exist, in which versions.
// The engine picks its transfer pipeline from this.

import { readdir } from 'node:fs/promises';
import { runCommand, setprivPath } from './command-runner.js';

export interface DiskTools {
  /** Version strings ("1.32.5") or null when the tool is missing or broken. */
  nbdkit: string | null;
  /** Installed plugin names (file, curl, vddk, ...). */
  nbdkitPlugins: string[];
  nbdkitFilters: string[];
  nbdcopy: string | null;
  qemuImg: string | null;
  virtV2v: string | null;
  /** setpriv --pdeathsig exists: children die with us even on kill -9. */
  setpriv: boolean;
}

/** The first `x.y.z` after the tool's name in its --version output. */
export function parseToolVersion(output: string, name: string): string | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(?:\\s+version)?\\s+v?(\\d+(?:\\.\\d+)+)`, 'i').exec(output);
  return match ? match[1]! : null;
}

/** `key=value` lines of `nbdkit --dump-config`. */
export function parseDumpConfig(output: string): Record<string, string> {
  const config: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) config[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return config;
}

async function version(file: string, name: string): Promise<string | null> {
  try {
    const { stdout } = await runCommand(file, ['--version'], { timeoutMs: 30000 });
    return parseToolVersion(stdout, name);
  } catch {
    return null;
  }
}

async function moduleNames(dir: string | undefined, kind: 'plugin' | 'filter'): Promise<string[]> {
  if (dir === undefined) return [];
  const suffix = `-${kind}.so`;
  try {
    return (await readdir(dir))
      .filter((name) => name.startsWith('nbdkit-') && name.endsWith(suffix))
      .map((name) => name.slice('nbdkit-'.length, -suffix.length))
      .sort();
  } catch {
    return [];
  }
}

export async function detectDiskTools(): Promise<DiskTools> {
  const [nbdkit, nbdcopy, qemuImg, virtV2v, setpriv] = await Promise.all([
    version('nbdkit', 'nbdkit'),
    version('nbdcopy', 'nbdcopy'),
    version('qemu-img', 'qemu-img'),
    version('virt-v2v', 'virt-v2v'),
    setprivPath(),
  ]);
  let config: Record<string, string> = {};
  if (nbdkit !== null) {
    try {
      config = parseDumpConfig((await runCommand('nbdkit', ['--dump-config'], { timeoutMs: 30000 })).stdout);
    } catch {
      config = {};
    }
  }
  const [nbdkitPlugins, nbdkitFilters] = await Promise.all([
    moduleNames(config.plugindir, 'plugin'),
    moduleNames(config.filterdir, 'filter'),
  ]);
  return { nbdkit, nbdkitPlugins, nbdkitFilters, nbdcopy, qemuImg, virtV2v, setpriv: setpriv !== null };
}
