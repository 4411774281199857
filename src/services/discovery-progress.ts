import type { RedisPubSub } from '../pubsub/redis-pubsub.js';

export interface DiscoveryProgress {
  runId: string;
  phase: 'queued' | 'connecting' | 'reading' | 'writing' | 'removing' | 'done' | 'failed';
  vmsTotal: number | null;
  vmsWritten: number;
  message: string | null;
  done: boolean;
  errorCode: string | null;
}

const channel = (runId: string): string => `ffo:discovery-progress:${runId}`;
const snapshotKey = (runId: string): string => `ffo:discovery-progress-last:${runId}`;
const SNAPSHOT_TTL_SECONDS = 24 * 3600;

/** Publishes a progress event and keeps it as the run's last-known state for late subscribers. */
export async function publishDiscoveryProgress(
  pubsub: RedisPubSub,
  progress: DiscoveryProgress,
): Promise<void> {
  await pubsub.redis.set(snapshotKey(progress.runId), JSON.stringify(progress), 'EX', SNAPSHOT_TTL_SECONDS);
  await pubsub.publish(channel(progress.runId), progress);
}

/**
 * Progress of one run: the last-known snapshot first (so a subscriber that arrives late still sees where the
 * run is, or that it already finished), then live events until a final one.
 */
export async function* discoveryProgressEvents(
  pubsub: RedisPubSub,
  runId: string,
): AsyncGenerator<DiscoveryProgress> {
  // Subscribe before reading the snapshot so no event can fall between the two.
  const live = await pubsub.subscribe<DiscoveryProgress>(channel(runId));
  try {
    const last = await pubsub.redis.get(snapshotKey(runId));
    let seen = -1;
    if (last) {
      const snapshot = JSON.parse(last) as DiscoveryProgress;
      seen = snapshot.vmsWritten;
      yield snapshot;
      if (snapshot.done) return;
    }
    for await (const event of live) {
      if (!event.done && event.vmsWritten < seen) continue;
      yield event;
      if (event.done) return;
    }
  } finally {
    await live.return?.();
  }
}
