import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MIGRATION_QUEUE, type MigrationJobData, queuePrefix } from './queue-names.js';

/** BullMQ queue `migrate-vm`: one job per run of a migration (start, retry, rollback). */
export class MigrationQueue {
  private instance: Queue<MigrationJobData> | null = null;

  constructor(
    private readonly connection: Redis,
    private readonly prefix = queuePrefix(),
  ) {}

  /** Created on first use: most processes (CLI queries, the API at rest) never touch it. */
  get queue(): Queue<MigrationJobData> {
    this.instance ??= new Queue<MigrationJobData>(MIGRATION_QUEUE, {
      connection: this.connection,
      prefix: this.prefix,
    });
    return this.instance;
  }

  /** `run` is the attempt number, so a retry is a new job while a duplicate enqueue of one attempt is not. */
  async enqueue(data: MigrationJobData, run: number): Promise<void> {
    await this.queue.add(data.action, data, {
      jobId: `${data.migrationId}-${data.action}-${run}`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Removes a job that has not started yet (cancel of a queued migration); false when one is running. */
  async removeWaiting(migrationId: string, action: 'run' | 'rollback', run: number): Promise<boolean> {
    const job = await this.queue.getJob(`${migrationId}-${action}-${run}`);
    if (!job) return true;
    const state = await job.getState();
    if (state === 'active') return false;
    await job.remove().catch(() => undefined);
    return true;
  }

  async close(): Promise<void> {
    await this.instance?.close();
  }
}
