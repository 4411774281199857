import { randomUUID } from 'node:crypto';
import type { GraphClient } from '../graph/graph-client.js';
import { observeMigrationEvent } from '../observability/engine-observer.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';

export type EventLevel = 'info' | 'warning' | 'error';

export interface MigrationEventMessage {
  id: string;
  migrationId: string;
  vmId: string | null;
  vmName: string;
  at: string;
  phase: string;
  level: EventLevel;
  /** Stable machine-readable kind, e.g. "phase.started", "round.finished", "cutover.downtime". */
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

export interface DiskProgress {
  key: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface MigrationProgress {
  migrationId: string;
  status: string;
  phase: string;
  round: number | null;
  disks: DiskProgress[];
  bytesDone: number;
  bytesTotal: number;
  rateBytesPerSecond: number | null;
  etaSeconds: number | null;
  at: string;
  done: boolean;
}

export const EVENTS_CHANNEL = 'ffo:migration-events';
export const progressChannel = (id: string): string => `ffo:migration-progress:${id}`;
export const controlChannel = (id: string): string => `ffo:migration-control:${id}`;
const progressKey = (id: string): string => `ffo:migration-progress-last:${id}`;
const TTL_SECONDS = 7 * 24 * 3600;

/** Events go to the graph's event log and to Redis pub/sub; progress only to pub/sub (with a last-known copy). */
export class MigrationEventBus {
  constructor(
    private readonly graph: GraphClient,
    private readonly pubsub: RedisPubSub,
  ) {}

  async emit(
    migration: { id: string; vmId: string | null; vmName: string },
    phase: string,
    level: EventLevel,
    kind: string,
    message: string,
    data: Record<string, unknown> | null = null,
  ): Promise<MigrationEventMessage> {
    const event: MigrationEventMessage = {
      id: randomUUID(),
      migrationId: migration.id,
      vmId: migration.vmId,
      vmName: migration.vmName,
      at: new Date().toISOString(),
      phase,
      level,
      kind,
      message,
      data,
    };
    await this.graph.write('migration-event-add', {
      migrationId: event.migrationId,
      id: event.id,
      at: event.at,
      phase,
      level,
      kind,
      message,
      data: data === null ? null : JSON.stringify(data),
    });
    await this.pubsub.publish(EVENTS_CHANNEL, event);
    observeMigrationEvent(event);
    return event;
  }

  async progress(progress: MigrationProgress): Promise<void> {
    await this.pubsub.redis.set(
      progressKey(progress.migrationId),
      JSON.stringify(progress),
      'EX',
      TTL_SECONDS,
    );
    await this.pubsub.publish(progressChannel(progress.migrationId), progress);
  }

  async lastProgress(id: string): Promise<MigrationProgress | null> {
    const raw = await this.pubsub.redis.get(progressKey(id));
    return raw ? (JSON.parse(raw) as MigrationProgress) : null;
  }

  /** cutover / cancel a running migration; sync = run a delta round now instead of at the interval. */
  async control(id: string, action: 'cutover' | 'cancel' | 'sync'): Promise<void> {
    await this.pubsub.publish(controlChannel(id), { action });
  }

  /** Progress of one migration: the last-known state first, then live updates until a final one. */
  async *progressEvents(
    id: string,
    options: { skipFinished?: boolean } = {},
  ): AsyncGenerator<MigrationProgress> {
    const live = await this.pubsub.subscribe<MigrationProgress>(progressChannel(id));
    try {
      const last = await this.lastProgress(id);
      // skipFinished: the caller knows a new run (e.g. a rollback) has begun, so a final snapshot is stale.
      if (last && !(last.done && options.skipFinished)) {
        yield last;
        if (last.done) return;
      }
      for await (const event of live) {
        yield event;
        if (event.done) return;
      }
    } finally {
      await live.return?.();
    }
  }

  /** Live events, filtered; ends when the subscriber goes away. */
  async *events(
    filter: { migration?: string | null; vm?: string | null; level?: string | null } = {},
    signal?: AbortSignal,
  ): AsyncGenerator<MigrationEventMessage> {
    const live = await this.pubsub.subscribe<MigrationEventMessage>(EVENTS_CHANNEL);
    // return() on a generator waiting for the next message would wait for that message: the signal ends the
    // subscription itself, which ends the wait.
    signal?.addEventListener('abort', () => void live.return?.(), { once: true });
    try {
      for await (const event of live) {
        if (filter.migration && event.migrationId !== filter.migration) continue;
        if (filter.vm && event.vmId !== filter.vm && event.vmName !== filter.vm) continue;
        if (filter.level && event.level !== filter.level) continue;
        yield event;
      }
    } finally {
      await live.return?.();
    }
  }
}
