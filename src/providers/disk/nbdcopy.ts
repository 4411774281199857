// Disk copies with nbdcopy: the source nbdkit runs as nbdcopy's own subprocess (`[ nbdkit ... ]`),
// so there is no socket to manage and async multi-request copying is kept (never pipes, never --synchronous).

import { randomUUID } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { ExternalCommandError, runCommand } from './command-runner.js';
import { bytesBelow, bytesOf, extentListFile, normalizeExtents, type Extent } from './extent-plan.js';

/** An NBD URI / block device path, or nbdkit arguments that nbdcopy runs as its subprocess. */
export type CopyTarget = { uri: string } | string[];

export interface CopyAllOptions {
  /** nbdkit arguments of the source (see nbdkitSourceArgs); run read-only as nbdcopy's subprocess. */
  source: string[];
  target: CopyTarget;
  /** Size of the source disk in bytes (the target may be larger: Cinder rounds up to whole GiB). */
  sizeBytes: number;
  onProgress?: (bytesDone: number) => void;
  signal?: AbortSignal;
  /** The target reads as zeros already (a fresh volume): holes of the source need no writes. */
  targetIsZero?: boolean;
  /** Extra nbdcopy flags, e.g. ['--connections=1'] for the baseline benchmark. */
  nbdcopyFlags?: string[];
  redact?: string[];
  /** The nbdcopy PID (its nbdkit subprocesses are its children, in its process group). */
  onSpawn?: (pid: number) => void;
}

export interface CopyExtentsOptions extends Omit<CopyAllOptions, 'targetIsZero'> {
  /** Byte ranges to copy; everything else in the target stays as it is. */
  extents: Extent[];
  /** Where the extent list file is written (removed afterwards). */
  workDir: string;
}

export interface CopyResult {
  bytesCopied: number;
  seconds: number;
}

/** `N/100` lines of `nbdcopy --progress=FD`; null for anything else. */
export function parseNbdcopyProgress(line: string): number | null {
  const match = /^\s*(\d{1,3})\/100\s*$/.exec(line);
  if (!match) return null;
  const percent = Number(match[1]);
  return percent <= 100 ? percent : null;
}

function subprocessArgs(nbdkitArgs: readonly string[]): string[] {
  // --exit-with-parent: if nbdcopy dies, its nbdkit must not linger.
  return ['[', 'nbdkit', '--exit-with-parent', ...nbdkitArgs, ']'];
}

async function targetArgs(target: CopyTarget): Promise<string[]> {
  if (Array.isArray(target)) return subprocessArgs(target);
  const uri = target.uri;
  if (!/^nbds?(\+unix|\+vsock)?:\/\//.test(uri)) {
    // nbdcopy truncates a regular file destination (ftruncate to 0, then to size): data loss for deltas.
    const info = await stat(uri).catch(() => null);
    if (info === null || !info.isBlockDevice())
      throw new FfoError(
        ErrorCode.BAD_INPUT,
        `copy target must be an NBD URI or a block device, not ${info === null ? 'a missing path' : 'a regular file'}: ${uri}`,
      );
  }
  return [uri];
}

function withReadOnly(args: readonly string[]): string[] {
  return args.includes('-r') || args.includes('--readonly') ? [...args] : ['-r', ...args];
}

function translateFailure(error: unknown): unknown {
  if (
    error instanceof ExternalCommandError &&
    /destination size is smaller than source size/.test(error.details.stderrTail)
  )
    return new FfoError(ErrorCode.TRANSFER_FAILED, 'the target is smaller than the source disk', {
      details: { ...error.details },
      cause: error,
    });
  return error;
}

async function runNbdcopy(
  flags: string[],
  source: string[],
  target: CopyTarget,
  options: Pick<CopyAllOptions, 'signal' | 'redact' | 'onSpawn'>,
  onPercent: (percent: number) => void,
): Promise<number> {
  const started = Date.now();
  const args = [...flags, '--progress=3', '--', ...subprocessArgs(source), ...(await targetArgs(target))];
  try {
    await runCommand('nbdcopy', args, {
      signal: options.signal,
      redact: options.redact,
      onSpawn: options.onSpawn,
      extraFd: {
        fd: 3,
        onLine: (line) => {
          const percent = parseNbdcopyProgress(line);
          if (percent !== null) onPercent(percent);
        },
      },
    });
  } catch (error) {
    throw translateFailure(error);
  }
  return (Date.now() - started) / 1000;
}

function progressReporter(
  onProgress: ((bytesDone: number) => void) | undefined,
  toBytes: (p: number) => number,
) {
  let last = -1;
  return (percent: number) => {
    const bytes = toBytes(percent);
    // nbdcopy may repeat a percentage; callers get each value once, never going backwards.
    if (bytes > last) {
      last = bytes;
      onProgress?.(bytes);
    }
  };
}

function checkSize(sizeBytes: number): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)
    throw new FfoError(ErrorCode.BAD_INPUT, `sizeBytes must be a positive integer, got ${sizeBytes}`);
}

/**
 * Copies only the listed extents (CBT changes) from the source onto an existing target.
 * -S 0: listed zero blocks are written, not skipped; --destination-is-zero: unlisted areas (holes to
 * nbdcopy) are left alone instead of being zeroed; --flush: data is durable when we return.
 */
export async function copyExtents(options: CopyExtentsOptions): Promise<CopyResult> {
  checkSize(options.sizeBytes);
  if (options.source.includes('--filter=extentlist'))
    throw new FfoError(
      ErrorCode.BAD_INPUT,
      'the source already has an extent list; pass plain source arguments',
    );
  const extents = normalizeExtents(options.extents, options.sizeBytes);
  const total = bytesOf(extents);
  if (total === 0) return { bytesCopied: 0, seconds: 0 };

  const listFile = path.join(options.workDir, `extents-${randomUUID()}.txt`);
  await writeFile(listFile, extentListFile(extents));
  try {
    const source = ['--filter=extentlist', ...withReadOnly(options.source), `extentlist=${listFile}`];
    // nbdcopy reports the share of the disk it has walked; map that position onto the listed bytes.
    const report = progressReporter(options.onProgress, (percent) =>
      percent >= 100 ? total : bytesBelow(extents, Math.floor((options.sizeBytes * percent) / 100)),
    );
    const seconds = await runNbdcopy(
      [
        '-S',
        '0',
        '--destination-is-zero',
        '--flush',
        `--request-size=${extentRequestSize(extents)}`,
        ...(options.nbdcopyFlags ?? []),
      ],
      source,
      options.target,
      options,
      report,
    );
    report(100);
    return { bytesCopied: total, seconds };
  } finally {
    await rm(listFile, { force: true });
  }
}

/**
 * nbdcopy 1.14 reads and writes whole requests from the start of each data extent, past its end: with the
 * default 256 KiB requests a scattered 64 KiB CBT block costs 256 KiB (measured: 3.7x the changed bytes). The
 * largest power of two up to 256 KiB dividing every extent's start and length keeps requests inside extents.
 */
export function extentRequestSize(extents: readonly Extent[]): number {
  let size = 256 * 1024;
  for (const e of extents) {
    while (size > 512 && (e.start % size !== 0 || e.length % size !== 0)) size /= 2;
  }
  return size;
}

/** Copies the whole source disk (first full copy, VDDK, the benchmark's bare nbdcopy baseline). */
export async function copyAll(options: CopyAllOptions): Promise<CopyResult> {
  checkSize(options.sizeBytes);
  const report = progressReporter(options.onProgress, (percent) =>
    Math.floor((options.sizeBytes * percent) / 100),
  );
  const seconds = await runNbdcopy(
    [
      ...(options.targetIsZero === true ? ['--destination-is-zero'] : []),
      '--flush',
      ...(options.nbdcopyFlags ?? []),
    ],
    withReadOnly(options.source),
    options.target,
    options,
    report,
  );
  report(100);
  return { bytesCopied: options.sizeBytes, seconds };
}
