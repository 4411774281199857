// qemu-img for format work the NBD tools cannot do (VMDK sparse/streamOptimized, qcow2 output).

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { runCommand } from './command-runner.js';

export interface QemuImgInfo {
  virtualSize: number;
  format: string;
  /** Bytes allocated on the host; absent for some protocols. */
  actualSize: number | null;
  clusterSize: number | null;
  backingFilename: string | null;
  dirty: boolean;
  /** The full `qemu-img info --output=json` document. */
  raw: Record<string, unknown>;
}

export interface QemuImgInfoOptions {
  format?: string;
  /** -U: read an image another process has open for writing. */
  forceShare?: boolean;
  signal?: AbortSignal;
}

export interface QemuImgConvertOptions {
  src: string;
  srcFormat: string;
  dst: string;
  dstFormat: string;
  /** -o creation options, e.g. ['compat=1.1', 'cluster_size=65536']. */
  dstOptions?: string[];
  /** -n: write into an existing target (block device, pre-created volume) instead of creating it. */
  targetExists?: boolean;
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

/** `    (12.00/100%)` as printed by `qemu-img convert -p`; null for anything else. */
export function parseQemuImgProgress(line: string): number | null {
  const match = /\(\s*(\d{1,3}(?:\.\d+)?)\/100%\)/.exec(line);
  if (!match) return null;
  const percent = Number(match[1]);
  return percent <= 100 ? percent : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** Parses `qemu-img info --output=json`. */
export function parseQemuImgInfo(json: string): QemuImgInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new FfoError(ErrorCode.CONVERSION_FAILED, 'qemu-img info printed no valid JSON', { cause: error });
  }
  if (typeof raw['virtual-size'] !== 'number' || typeof raw.format !== 'string')
    throw new FfoError(ErrorCode.CONVERSION_FAILED, 'qemu-img info JSON lacks virtual-size/format');
  return {
    virtualSize: raw['virtual-size'],
    format: raw.format,
    actualSize: numberOrNull(raw['actual-size']),
    clusterSize: numberOrNull(raw['cluster-size']),
    backingFilename: typeof raw['backing-filename'] === 'string' ? raw['backing-filename'] : null,
    dirty: raw['dirty-flag'] === true,
    raw,
  };
}

export async function qemuImgInfo(file: string, options: QemuImgInfoOptions = {}): Promise<QemuImgInfo> {
  const args = ['info', '--output=json'];
  if (options.format !== undefined) args.push('-f', options.format);
  if (options.forceShare === true) args.push('-U');
  args.push(file);
  const { stdout } = await runCommand('qemu-img', args, { signal: options.signal, timeoutMs: 60000 });
  return parseQemuImgInfo(stdout);
}

export async function qemuImgConvert(options: QemuImgConvertOptions): Promise<{ seconds: number }> {
  const args = ['convert', '-p', '-f', options.srcFormat, '-O', options.dstFormat];
  if (options.dstOptions !== undefined && options.dstOptions.length > 0)
    args.push('-o', options.dstOptions.join(','));
  if (options.targetExists === true) args.push('-n');
  args.push(options.src, options.dst);
  let last = -1;
  const result = await runCommand('qemu-img', args, {
    signal: options.signal,
    onStdoutLine: (line) => {
      const percent = parseQemuImgProgress(line);
      if (percent !== null && percent > last) {
        last = percent;
        options.onProgress?.(percent);
      }
    },
  });
  if (last < 100) options.onProgress?.(100);
  return { seconds: result.durationMs / 1000 };
}
