import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, FfoError } from '../errors/index.js';
import { parseNfsMounts } from './target/nfs-mounts.js';

/** How this conversion host runs migrations; all from the environment (README lists the variables). */
export interface EngineSettings {
  /** Scratch space: cookie files, extent lists, HTTP-pipeline downloads. */
  workDir: string;
  /** Cinder NFS export ("host:/path") → where that export is mounted on this host. */
  nfsMounts: Map<string, string>;
  /** Full copies and delta rounds are checkpointed after every chunk of this many bytes. */
  chunkBytes: number;
  /** Optional source read limit in bytes/s (nbdkit rate filter), to spare a busy datastore. */
  rateBytesPerSecond: number | null;
  /** VMware VDDK library directory (proprietary; never in the lab). */
  vddkLibdir: string | null;
  /** Disks copied at once per migration. */
  diskParallelism: number;
  shutdownTimeoutMs: number;
  launchTimeoutMs: number;
  volumeTimeoutMs: number;
  /** BullMQ job lock: how soon a crashed worker's migration is picked up by another worker. */
  jobLockMs: number;
}

/** A positive number from the environment, or the fallback; anything else is CONFIG_INVALID. */
export function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new FfoError(ErrorCode.CONFIG_INVALID, `${name} must be a positive number`);
  return n;
}

export function loadEngineSettings(env: NodeJS.ProcessEnv = process.env): EngineSettings {
  return {
    workDir: env.FFO_ENGINE_WORK_DIR || join(tmpdir(), 'ffo-engine'),
    nfsMounts: parseNfsMounts(env.FFO_NFS_MOUNTS),
    chunkBytes: positive(env, 'FFO_COPY_CHUNK_BYTES', 1024 * 1024 * 1024),
    rateBytesPerSecond: env.FFO_TRANSFER_RATE_LIMIT ? positive(env, 'FFO_TRANSFER_RATE_LIMIT', 1) : null,
    vddkLibdir: env.FFO_VDDK_LIBDIR || null,
    diskParallelism: positive(env, 'FFO_DISK_PARALLELISM', 4),
    shutdownTimeoutMs: positive(env, 'FFO_SHUTDOWN_TIMEOUT_S', 120) * 1000,
    launchTimeoutMs: positive(env, 'FFO_LAUNCH_TIMEOUT_S', 600) * 1000,
    volumeTimeoutMs: positive(env, 'FFO_VOLUME_TIMEOUT_S', 600) * 1000,
    jobLockMs: positive(env, 'FFO_JOB_LOCK_MS', 30_000),
  };
}
