// One libguestfs appliance, many commands: `guestfish --listen` keeps a launched appliance in a
// background guestfish, and each `guestfish --remote=PID cmd ...` is a short client call. Booting the
// appliance is the expensive part (~20 s under TCG), so a whole inspection or fix uses one session.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError, isFfoError } from '../../errors/ffo-error.js';
import { findExecutable } from '../disk/command-runner.js';
import { libguestfsEnvironment } from './libguestfs-env.js';
import { runTool } from './run-tool.js';

export interface GuestfishOpenOptions {
  /** Inspection must never change the disk: drives are added and mounted read-only. */
  readOnly: boolean;
  /** Disk image format; the engine's targets are raw files or block devices. */
  format?: 'raw' | 'qcow2';
  signal?: AbortSignal;
  /** Limit for booting the appliance (TCG is slow; the first run also builds the supermin cache). */
  launchTimeoutMs?: number;
}

const COMMAND_TIMEOUT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 600_000;

function conversionError(message: string, cause: unknown): FfoError {
  const detail = isFfoError(cause) ? String(cause.details.stderrTail ?? cause.message) : String(cause);
  return new FfoError(ErrorCode.CONVERSION_FAILED, `${message}: ${detail}`, {
    cause,
    details: isFfoError(cause) ? cause.details : {},
  });
}

export class GuestfishSession {
  private closed = false;
  private logOffset = 0;

  private constructor(
    readonly pid: number,
    private readonly scratchDir: string,
    private readonly serverLog: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Starts the background guestfish and boots the appliance with the disks attached. */
  static async open(disks: readonly string[], options: GuestfishOpenOptions): Promise<GuestfishSession> {
    if (disks.length === 0) throw new FfoError(ErrorCode.BAD_INPUT, 'no disk to open');
    // Checked up front: the --listen call goes through sh, which would only report exit code 127.
    if ((await findExecutable('guestfish', libguestfsEnvironment().env.PATH)) === null)
      throw new FfoError(
        ErrorCode.DISK_TOOL_MISSING,
        'guestfish is not installed (apt-get install libguestfs-tools)',
        {
          details: { command: 'guestfish' },
        },
      );
    const args = ['--listen', options.readOnly ? '--ro' : '--rw', `--format=${options.format ?? 'raw'}`];
    for (const disk of disks) args.push('-a', disk);
    const scratchDir = await mkdtemp(join(tmpdir(), 'ffo-guestfish-'));
    // The server reports command errors on its own stderr (not to the client), and keeps it open
    // after daemonising: a file, not a pipe, so the --listen call returns and errors can be read back.
    const serverLog = join(scratchDir, 'server.log');
    let stdout: string;
    try {
      ({ stdout } = await runTool('guestfish', args, {
        timeoutMs: 60_000,
        signal: options.signal,
        stderrFile: serverLog,
      }));
    } catch (error) {
      await rm(scratchDir, { recursive: true, force: true });
      if (isFfoError(error) && error.code === ErrorCode.DISK_TOOL_MISSING) throw error;
      throw conversionError('guestfish --listen failed', error);
    }
    const pid = /GUESTFISH_PID=(\d+)/.exec(stdout);
    if (!pid) {
      await rm(scratchDir, { recursive: true, force: true });
      throw new FfoError(ErrorCode.CONVERSION_FAILED, `guestfish --listen printed no PID: ${stdout}`);
    }
    const session = new GuestfishSession(Number(pid[1]), scratchDir, serverLog, options.signal);
    try {
      await session.run(['run'], options.launchTimeoutMs ?? LAUNCH_TIMEOUT_MS);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** What the server wrote to its stderr since the last command. */
  private async newServerErrors(): Promise<string> {
    const log = await readFile(this.serverLog, 'utf8').catch(() => '');
    const fresh = log.slice(this.logOffset);
    this.logOffset = log.length;
    return fresh
      .split('\n')
      .filter((line) => /^(libguestfs: error|guestfish:)/.test(line))
      .join('\n');
  }

  /**
   * One guestfish command; stdout without the trailing newline guestfish adds. The '-' prefix keeps the
   * server alive when the command fails (without it the remote guestfish exits on the first error);
   * failure is then read from the server's stderr.
   */
  async run(command: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
    if (this.closed) throw new FfoError(ErrorCode.INTERNAL, 'guestfish session is closed');
    const [name, ...args] = command;
    const label = `guestfish ${[name, ...args.slice(0, 1)].join(' ')}`;
    let stdout: string;
    try {
      ({ stdout } = await runTool('guestfish', [`--remote=${this.pid}`, '--', `-${name}`, ...args], {
        timeoutMs,
        signal: this.signal,
      }));
    } catch (error) {
      if (this.signal?.aborted) throw error;
      throw conversionError(`${label} failed`, error);
    }
    const errors = await this.newServerErrors();
    if (errors !== '')
      throw new FfoError(ErrorCode.CONVERSION_FAILED, `${label} failed: ${errors}`, {
        details: { command: [...command], stderrTail: errors },
      });
    return stdout.replace(/\n$/, '');
  }

  /** Like run, but a failing command (missing file, unmountable fs) yields undefined. */
  async tryRun(command: readonly string[]): Promise<string | undefined> {
    try {
      return await this.run(command);
    } catch (error) {
      if (this.signal?.aborted) throw error;
      return undefined;
    }
  }

  async lines(command: readonly string[]): Promise<string[]> {
    const out = await this.tryRun(command);
    return out === undefined ? [] : out.split('\n').filter((l) => l !== '');
  }

  async isFile(path: string): Promise<boolean> {
    return (await this.tryRun(['is-file', path, 'followsymlinks:true'])) === 'true';
  }

  async isDir(path: string): Promise<boolean> {
    return (await this.tryRun(['is-dir', path, 'followsymlinks:true'])) === 'true';
  }

  /** Exact bytes of a guest file (download, not cat: cat appends a newline), or undefined when absent. */
  async readFile(path: string): Promise<string | undefined> {
    if (!(await this.isFile(path))) return undefined;
    const local = join(this.scratchDir, `f-${Math.random().toString(36).slice(2)}`);
    await this.run(['download', path, local]);
    try {
      return await readFile(local, 'utf8');
    } finally {
      await rm(local, { force: true });
    }
  }

  /** Replaces the content of a guest file; an existing file keeps its inode, owner and mode. */
  async writeFile(path: string, content: string): Promise<void> {
    const local = join(this.scratchDir, `u-${Math.random().toString(36).slice(2)}`);
    await writeFile(local, content);
    try {
      await this.run(['upload', local, path]);
    } finally {
      await rm(local, { force: true });
    }
  }

  /** For read-write sessions: flush everything now, so a failure is reported instead of lost at exit. */
  async syncAndUnmount(): Promise<void> {
    await this.run(['umount-all']);
    await this.run(['sync']);
  }

  /** Leaves the appliance (libguestfs autosync unmounts and syncs; writers call syncAndUnmount first to see errors). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await runTool('guestfish', [`--remote=${this.pid}`, '--', 'exit'], { timeoutMs: 60_000 });
    } catch {
      // The server may already be gone; make sure it is.
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        /* not running */
      }
    }
    await rm(this.scratchDir, { recursive: true, force: true });
  }
}
