import { randomUUID } from 'node:crypto';
import { ErrorCode, FfoError, isFfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import { type DiscoveryProgress, publishDiscoveryProgress } from './discovery-progress.js';

export type DiscoverySide = 'source' | 'target';

export interface RunCounts {
  vmsTotal: number | null;
  vmsAdded: number | null;
  vmsUpdated: number | null;
  vmsUnchanged: number | null;
  vmsRemoved: number | null;
  objectsTotal: number | null;
}

const NO_COUNTS: RunCounts = {
  vmsTotal: null,
  vmsAdded: null,
  vmsUpdated: null,
  vmsUnchanged: null,
  vmsRemoved: null,
  objectsTotal: null,
};
const LOCK_TTL_MS = 30 * 60 * 1000;
/** Deletes the lock only when this run still owns it (it may have expired and been taken over). */
const RELEASE_IF_OWNER =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * The bookkeeping every discovery shares: the DiscoveryRun node, ordered progress events on Redis, one run per
 * vCenter or cloud at a time, and failures recorded with their stable code.
 */
export class DiscoveryRunRecorder {
  private published: Promise<void> = Promise.resolve();

  constructor(
    private readonly graph: GraphClient,
    private readonly pubsub: RedisPubSub,
    private readonly side: DiscoverySide,
  ) {}

  async open(runId: string, name: string, status: 'queued' | 'running'): Promise<void> {
    await this.graph.write('discovery-run-start', {
      runId,
      side: this.side,
      name,
      status,
      startedAt: new Date().toISOString(),
    });
  }

  /** Records a queued run and its first progress event; returns the new run id. */
  async queue(name: string): Promise<string> {
    const runId = randomUUID();
    await this.open(runId, name, 'queued');
    await this.progress({
      runId,
      phase: 'queued',
      vmsTotal: null,
      vmsWritten: 0,
      message: null,
      done: false,
      errorCode: null,
    });
    return runId;
  }

  /** Events are chained so they reach Redis in the order they happened, even when not awaited. */
  progress(event: DiscoveryProgress): Promise<void> {
    this.published = this.published
      .catch(() => undefined)
      .then(() => publishDiscoveryProgress(this.pubsub, event));
    return this.published;
  }

  /**
   * Runs `work` as run `runId` of `name`: holds the per-name lock, records success or failure on the run node
   * and as the final progress event. The loser of a lock race gets a retryable DISCOVERY_IN_PROGRESS.
   */
  async execute<T>(
    runId: string,
    name: string,
    work: () => Promise<{ result: T; subjectId: string; counts: RunCounts; summary: string }>,
    subjectIdOnFailure: () => string | null,
  ): Promise<T> {
    const started = Date.now();
    await this.open(runId, name, 'running');
    const base = { runId, vmsTotal: null, vmsWritten: 0, message: null, done: false, errorCode: null };
    const lock = `ffo:lock:discovery:${this.side}:${name}`;
    let locked = false;
    try {
      locked = (await this.pubsub.redis.set(lock, runId, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
      if (!locked) {
        throw new FfoError(ErrorCode.DISCOVERY_IN_PROGRESS, `another discovery of "${name}" is running`, {
          retryable: true,
          details: { name, side: this.side },
        });
      }
      const { result, subjectId, counts, summary } = await work();
      await this.finish(runId, subjectId, 'succeeded', Date.now() - started, counts, null);
      await this.progress({
        ...base,
        phase: 'done',
        vmsTotal: counts.vmsTotal,
        vmsWritten: counts.vmsTotal ?? 0,
        message: summary,
        done: true,
      });
      return result;
    } catch (cause) {
      const error = isFfoError(cause)
        ? cause
        : new FfoError(ErrorCode.DISCOVERY_FAILED, `discovery failed: ${String(cause)}`, { cause });
      await this.finish(runId, subjectIdOnFailure(), 'failed', Date.now() - started, NO_COUNTS, error).catch(
        () => undefined,
      );
      await this.progress({
        ...base,
        phase: 'failed',
        message: error.message,
        done: true,
        errorCode: error.code,
      }).catch(() => undefined);
      throw error;
    } finally {
      if (locked) await this.pubsub.redis.eval(RELEASE_IF_OWNER, 1, lock, runId).catch(() => undefined);
    }
  }

  private async finish(
    runId: string,
    subjectId: string | null,
    status: 'succeeded' | 'failed',
    durationMs: number,
    counts: RunCounts,
    error: FfoError | null,
  ): Promise<void> {
    await this.graph.write('discovery-run-finish', {
      runId,
      subjectId,
      status,
      finishedAt: new Date().toISOString(),
      durationMs,
      ...counts,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
  }
}
