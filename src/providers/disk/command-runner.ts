// The one place where the disk layer starts external programs (nbdkit, nbdcopy, qemu-img).
// Children are tied to our life (setpriv --pdeathsig, so even `kill -9` of this process takes them along)
// and run in their own process group, so cancelling also reaches the helpers they spawn (nbdcopy's nbdkit).

import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError, type FfoErrorOptions } from '../../errors/ffo-error.js';

export interface RunCommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Added to (not replacing) our environment. */
  env?: Record<string, string>;
  cwd?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** An extra pipe on fd 3 (nbdcopy --progress=3); lines end at \n or \r. */
  extraFd?: { fd: 3; onLine: (line: string) => void };
  /** Strings (passwords, cookies) replaced by *** in error details and messages. */
  redact?: string[];
  /** Called with the child's PID right after spawning (for cleanup checks and diagnostics). */
  onSpawn?: (pid: number) => void;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

/** A started command: `done` settles when the process (and, after a kill, its process group) is gone. */
export interface RunningCommand {
  readonly pid: number;
  readonly done: Promise<CommandResult>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the group is gone. */
  terminate(graceMs?: number): Promise<void>;
}

export interface ExternalCommandDetails {
  command: string;
  args: string[];
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
  durationMs: number;
  timedOut: boolean;
}

/** A program ran and failed (non-zero exit, killed by a signal, or timed out). */
export class ExternalCommandError extends FfoError {
  declare readonly details: ExternalCommandDetails & Record<string, unknown>;
  constructor(
    message: string,
    details: ExternalCommandDetails,
    options: Omit<FfoErrorOptions, 'details'> = {},
  ) {
    super(ErrorCode.EXTERNAL_COMMAND_FAILED, message, { ...options, details: { ...details } });
  }
}

const STDERR_TAIL_LINES = 20;
/** Callers parse stdout of small commands (qemu-img info); bulk data never goes through stdout. */
const MAX_CAPTURE_CHARS = 4 * 1024 * 1024;
const DEFAULT_GRACE_MS = 3000;

/** Splits a byte stream into lines at \n, \r\n or \r (qemu-img -p ends progress lines with \r). */
export class LineSplitter {
  private pending = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.pending + chunk).split(/\r\n|\r|\n/);
    // A \r\n split across chunks yields an empty line, which emit() drops.
    this.pending = parts.pop() ?? '';
    for (const line of parts) this.emit(line);
  }

  end(): void {
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    if (line.trim() !== '') this.onLine(line);
  }
}

/** Replaces every occurrence of each secret with ***. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

export function redactArgs(args: readonly string[], secrets: readonly string[] = []): string[] {
  return args.map((arg) => redactText(arg, secrets));
}

/** The argv that makes the kernel SIGKILL the child when we die (any way, including kill -9). */
export function parentDeathArgv(
  executable: string,
  args: readonly string[],
): { file: string; args: string[] } {
  return { file: 'setpriv', args: ['--pdeathsig', 'KILL', '--', executable, ...args] };
}

let setprivProbe: Promise<string | null> | undefined;

/** Path of a setpriv that supports --pdeathsig, or null (then children are only killed on cancel). */
export function setprivPath(): Promise<string | null> {
  setprivProbe ??= (async () => {
    const file = await findExecutable('setpriv');
    if (file === null) return null;
    const probe = await execa(file, ['--help'], { reject: false, stdin: 'ignore', timeout: 5000 });
    return probe.exitCode === 0 && String(probe.stdout).includes('--pdeathsig') ? file : null;
  })();
  return setprivProbe;
}

/** Resolves a program name on PATH (or checks an explicit path); null when it is not executable. */
export async function findExecutable(file: string, envPath = process.env.PATH ?? ''): Promise<string | null> {
  const candidates = file.includes('/')
    ? [file]
    : envPath
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, file));
  for (const candidate of candidates) {
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return null;
}

function tailLines(text: string, lines: number): string {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n');
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals, grouped: boolean): void {
  try {
    process.kill(grouped ? -pgid : pgid, signal);
  } catch {
    // already gone
  }
}

/** Waits (bounded) until no process of the group is left; there is no event for non-children. */
async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Starts a program; see RunningCommand. Rejects `done` with ExternalCommandError, DISK_TOOL_MISSING or the abort reason. */
export async function startCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunningCommand> {
  const secrets = options.redact ?? [];
  const envPath = options.env?.PATH ?? process.env.PATH ?? '';
  const executable = await findExecutable(file, envPath);
  if (executable === null)
    throw new FfoError(ErrorCode.DISK_TOOL_MISSING, `${file} is not installed (not found on PATH)`, {
      details: { command: file },
    });
  const setpriv = await setprivPath();
  // Checked after the last await: from here to addEventListener below everything is synchronous.
  options.signal?.throwIfAborted();
  const argv = setpriv === null ? { file: executable, args: [...args] } : parentDeathArgv(executable, args);
  if (setpriv !== null) argv.file = setpriv;
  // Own process group only when the kernel ties the child to us; otherwise execa's exit cleanup must apply.
  const grouped = setpriv !== null;

  const started = Date.now();
  let stdout = '';
  let stderr = '';
  const subprocess = execa(argv.file, argv.args, {
    env: options.env,
    extendEnv: true,
    cwd: options.cwd,
    reject: false,
    buffer: false,
    detached: grouped,
    stdio: ['ignore', 'pipe', 'pipe', options.extraFd ? 'pipe' : 'ignore'],
    encoding: 'utf8',
  });
  const pid = subprocess.pid;
  if (pid === undefined) {
    const result = await subprocess;
    throw new FfoError(ErrorCode.DISK_TOOL_MISSING, `${file} could not be started: ${result.message}`, {
      details: { command: file },
      cause: result.cause,
    });
  }
  options.onSpawn?.(pid);

  const out = new LineSplitter((line) => options.onStdoutLine?.(line));
  const err = new LineSplitter((line) => options.onStderrLine?.(line));
  const attach = (stream: Readable | null | undefined, onChunk: (text: string) => void) => {
    if (!stream) return;
    stream.setEncoding('utf8');
    stream.on('data', onChunk);
  };
  attach(subprocess.stdout, (text) => {
    if (stdout.length < MAX_CAPTURE_CHARS) stdout += text;
    if (options.onStdoutLine) out.push(text);
  });
  attach(subprocess.stderr, (text) => {
    // Only the tail is ever reported; keep the buffer bounded for chatty programs.
    stderr = (stderr + text).slice(-64 * 1024);
    if (options.onStderrLine) err.push(text);
  });
  if (options.extraFd) {
    const extra = new LineSplitter(options.extraFd.onLine);
    attach(subprocess.stdio[3] as Readable | undefined, (text) => extra.push(text));
    (subprocess.stdio[3] as Readable | undefined)?.on('end', () => extra.end());
  }

  let exited = false;
  let timedOut = false;
  let aborted = false;
  const terminate = async (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
    if (!exited || (grouped && groupAlive(pid))) {
      signalGroup(pid, 'SIGTERM', grouped);
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL', grouped), graceMs);
      try {
        await subprocess.catch(() => undefined);
        if (grouped && !(await waitGroupGone(pid, graceMs))) {
          signalGroup(pid, 'SIGKILL', true);
          await waitGroupGone(pid, graceMs);
        }
      } finally {
        clearTimeout(timer);
      }
    }
  };

  const onAbort = () => {
    aborted = true;
    void terminate();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timeout =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          void terminate();
        }, options.timeoutMs);

  const done = (async (): Promise<CommandResult> => {
    try {
      const result = await subprocess;
      exited = true;
      out.end();
      err.end();
      if (aborted || timedOut) await terminate();
      const durationMs = Date.now() - started;
      if (aborted && options.signal) throw options.signal.reason;
      if (!result.failed && result.exitCode === 0) return { stdout, stderr, exitCode: 0, durationMs };
      const details: ExternalCommandDetails = {
        command: file,
        args: redactArgs(args, secrets),
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        stderrTail: redactText(tailLines(stderr, STDERR_TAIL_LINES), secrets),
        durationMs,
        timedOut,
      };
      const why = timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : result.signal
          ? `was killed by ${result.signal}`
          : `exited with code ${result.exitCode}`;
      const lastLine = details.stderrTail.split('\n').pop() || '(no stderr)';
      throw new ExternalCommandError(`${file} ${why}: ${lastLine}`, details, { retryable: timedOut });
    } finally {
      if (timeout) clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
    }
  })();
  // The caller may only look at `done` later; avoid an unhandled rejection in between.
  done.catch(() => undefined);
  return { pid, done, terminate };
}

/** Runs a program to completion. */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  return (await startCommand(file, args, options)).done;
}
