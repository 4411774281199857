// A long-running nbdkit on a private Unix socket (e.g. the writable target of several delta copies).

import { randomUUID } from 'node:crypto';
import { watch } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { startCommand, type RunningCommand } from './command-runner.js';

export interface NbdkitServer {
  /** nbd+unix:///?socket=... for nbdcopy, qemu-img or nbdinfo. */
  readonly uri: string;
  readonly socketPath: string;
  readonly pid: number;
  /** Stops nbdkit (SIGTERM, then SIGKILL) and removes socket and pidfile. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartNbdkitOptions {
  /** Directory for socket and pidfile (must exist). */
  dir: string;
  signal?: AbortSignal;
  onStderrLine?: (line: string) => void;
  redact?: string[];
}

/** sockaddr_un.sun_path is 108 bytes including the NUL. */
const MAX_SOCKET_PATH = 107;

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Starts `nbdkit ... args` and resolves once it listens (nbdkit writes the pidfile after binding the socket). */
export async function startNbdkit(
  args: readonly string[],
  options: StartNbdkitOptions,
): Promise<NbdkitServer> {
  const id = randomUUID().slice(0, 8);
  const socketPath = path.resolve(options.dir, `nbdkit-${id}.sock`);
  const pidFile = path.resolve(options.dir, `nbdkit-${id}.pid`);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH)
    throw new FfoError(ErrorCode.BAD_INPUT, `socket path too long for a Unix socket: ${socketPath}`);

  // Watch before starting so the pidfile cannot appear unseen.
  const pidFileName = path.basename(pidFile);
  let onPidFile: () => void = () => undefined;
  const pidFileSeen = new Promise<void>((resolve) => (onPidFile = resolve));
  const watcher = watch(options.dir, (_event, name) => {
    if (name === null || String(name) === pidFileName) onPidFile();
  });
  let running: RunningCommand;
  try {
    running = await startCommand(
      'nbdkit',
      ['--exit-with-parent', '-U', socketPath, '-P', pidFile, '-f', ...args],
      { signal: options.signal, onStderrLine: options.onStderrLine, redact: options.redact },
    );
    if (await exists(pidFile)) onPidFile();
    const ready = await Promise.race([
      pidFileSeen.then(() => 'ready' as const),
      running.done.then(
        () => 'exited' as const,
        (error: unknown) => {
          throw error;
        },
      ),
    ]);
    if (ready === 'exited')
      throw new FfoError(ErrorCode.EXTERNAL_COMMAND_FAILED, 'nbdkit exited before it started listening', {
        details: { command: 'nbdkit' },
      });
  } catch (error) {
    await rm(pidFile, { force: true });
    await rm(socketPath, { force: true });
    throw error;
  } finally {
    watcher.close();
  }

  let stopping: Promise<void> | undefined;
  const server = running;
  return {
    uri: `nbd+unix:///?socket=${socketPath}`,
    socketPath,
    pid: server.pid,
    stop: () => {
      stopping ??= (async () => {
        await server.terminate();
        // A SIGTERM'd nbdkit is the expected end, not a failure.
        await server.done.catch(() => undefined);
        await rm(pidFile, { force: true });
        await rm(socketPath, { force: true });
      })();
      return stopping;
    },
  };
}
