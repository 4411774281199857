import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MigrationRunner } from '../engine/migration-runner.js';
import { withLogContext } from '../observability/logger.js';
import { MIGRATION_QUEUE, type MigrationJobData, queuePrefix } from './queue-names.js';

/**
 * Runs `migrate-vm` jobs. A retryable failure is thrown so BullMQ retries with backoff (the migration stays
 * running and resumes from its checkpoints); anything final ends the job as it is recorded in the twin. A worker
 * killed mid-job leaves a stalled job that BullMQ hands to another worker after the lock expires.
 */
export function startMigrationWorker(
  connection: Redis,
  runner: MigrationRunner,
  options: { concurrency?: number; prefix?: string; lockMs?: number } = {},
): Worker<MigrationJobData, unknown> {
  const lockDuration = options.lockMs ?? 30_000;
  return new Worker<MigrationJobData, unknown>(
    MIGRATION_QUEUE,
    // Every line logged while the job runs carries the migration id (and the VM's, once the runner knows it).
    (job: Job<MigrationJobData>) =>
      withLogContext({ migrationId: job.data.migrationId, jobId: job.id ?? null }, async () => {
        const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const outcome = await runner.run(job.data.migrationId, { finalAttempt });
        if (outcome.retry) throw outcome.retry;
        if (outcome.status === 'failed')
          throw new UnrecoverableError(`migration ${job.data.migrationId} failed`);
        return { status: outcome.status };
      }),
    {
      connection,
      prefix: options.prefix ?? queuePrefix(),
      concurrency: options.concurrency ?? 2,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      maxStalledCount: 5,
    },
  );
}
