import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FLEET_QUEUE, type FleetJobData, queuePrefix } from './queue-names.js';

/** BullMQ queue `fleet`: one long-running orchestration job per fleet, taken over by another worker on a crash. */
export class FleetQueue {
  private instance: Queue<FleetJobData> | null = null;

  constructor(
    private readonly connection: Redis,
    private readonly prefix = queuePrefix(),
  ) {}

  get queue(): Queue<FleetJobData> {
    this.instance ??= new Queue<FleetJobData>(FLEET_QUEUE, {
      connection: this.connection,
      prefix: this.prefix,
    });
    return this.instance;
  }

  /** One job per fleet: enqueueing a fleet that already has a live job does nothing. */
  async enqueue(fleetId: string): Promise<void> {
    const existing = await this.queue.getJob(`fleet-${fleetId}`);
    if (existing) {
      const state = await existing.getState();
      if (['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return;
      await existing.remove().catch(() => undefined);
    }
    await this.queue.add(
      'orchestrate',
      { fleetId },
      {
        jobId: `fleet-${fleetId}`,
        // Every worker restart costs an attempt; a fleet must outlive many of them.
        attempts: 1000,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  async close(): Promise<void> {
    await this.instance?.close();
  }
}
