import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DISCOVERY_QUEUE, type DiscoveryJobData, queuePrefix } from './queue-names.js';

export class DiscoveryQueue {
  readonly queue: Queue<DiscoveryJobData>;

  constructor(connection: Redis, prefix = queuePrefix()) {
    this.queue = new Queue<DiscoveryJobData>(DISCOVERY_QUEUE, { connection, prefix });
  }

  /** The job id is the run id, so a run is queued at most once. */
  async enqueue(data: DiscoveryJobData): Promise<void> {
    await this.queue.add(data.side === 'source' ? 'discover-source' : 'discover-target', data, {
      jobId: data.runId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
