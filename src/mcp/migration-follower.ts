import { describeProgress } from '../cli/migration-commands.js';
import {
  EVENTS_CHANNEL,
  progressChannel,
  type MigrationEventMessage,
  type MigrationProgress,
} from '../engine/migration-events.js';
import type { MigrationRecord } from '../engine/migration-types.js';
import type { Runtime } from '../app/runtime.js';
import type { ProgressReporter } from './progress-reporter.js';

/** Where a followed migration can be left alone: it waits for a person, or it has ended. */
export type MigrationStablePoint =
  'waiting_for_cutover' | 'completed' | 'failed' | 'cancelled' | 'rolled_back';

const ENDED = new Set(['completed', 'failed', 'cancelled', 'rolled_back']);

/** Event kinds after which the record may have reached a stable point (re-read then, not on every chunk). */
const TURNING_POINTS = /^(round\.finished|phase\.|migration\.|rollback\.|cutover\.|cancel)/;

/**
 * A warm migration with manual cutover waits for a person once a delta round has finished and no round runs;
 * any migration has ended when its status is final.
 */
export function stablePointOf(record: MigrationRecord): MigrationStablePoint | null {
  if (ENDED.has(record.status)) return record.status as MigrationStablePoint;
  const waits =
    record.mode === 'warm' &&
    record.status === 'running' &&
    record.phase === 'delta' &&
    record.plan.options.cutover === 'manual' &&
    record.cutoverRequestedAt === null &&
    record.checkpoints.round === null &&
    record.checkpoints.deltaHistory.length > 0;
  return waits ? 'waiting_for_cutover' : null;
}

export interface FollowedMigration {
  stablePoint: MigrationStablePoint | null;
  record: MigrationRecord;
  notifications: number;
}

/**
 * Relays a migration's progress and events as MCP progress notifications until it reaches a stable point or the
 * client goes away. Subscribes before reading the record, so nothing between the read and the first message is
 * missed.
 */
export async function followMigration(
  runtime: Pick<Runtime, 'pubsub' | 'migrationStore'>,
  id: string,
  reporter: ProgressReporter,
  signal: AbortSignal,
): Promise<FollowedMigration> {
  const events = await runtime.pubsub.subscribe<MigrationEventMessage>(EVENTS_CHANNEL);
  const progress = await runtime.pubsub.subscribe<MigrationProgress>(progressChannel(id));
  const stop = (): void => {
    void events.return?.();
    void progress.return?.();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    let record = await runtime.migrationStore.get(id);
    let point = stablePointOf(record);
    await reporter.report(`${record.vmName}: ${record.status}, phase ${record.phase}`);
    let nextEvent = events.next();
    let nextProgress = progress.next();
    while (point === null && !signal.aborted) {
      const got = await Promise.race([
        nextEvent.then((r) => ({ kind: 'event' as const, r })),
        nextProgress.then((r) => ({ kind: 'progress' as const, r })),
      ]);
      if (got.r.done) break;
      if (got.kind === 'progress') {
        nextProgress = progress.next();
        await reporter.report(describeProgress(got.r.value as MigrationProgress));
        continue;
      }
      nextEvent = events.next();
      const event = got.r.value as MigrationEventMessage;
      if (event.migrationId !== id || event.kind === 'chunk.copied') continue;
      await reporter.report(`${event.phase}: ${event.message}`);
      if (TURNING_POINTS.test(event.kind)) {
        record = await runtime.migrationStore.get(id);
        point = stablePointOf(record);
      }
    }
    if (point !== null) await reporter.report(`${record.vmName}: ${point.replace(/_/g, ' ')}`);
    return { stablePoint: point, record, notifications: reporter.steps };
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
  }
}
