import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FleetOrchestrator } from '../fleet/fleet-orchestrator.js';
import { withLogContext } from '../observability/logger.js';
import { FLEET_QUEUE, type FleetJobData, queuePrefix } from './queue-names.js';

/**
 * Runs `fleet` jobs: each is one fleet's orchestrator, alive until the fleet is completed or cancelled. BullMQ
 * renews the job's lock while it runs; when its worker dies the job stalls and another worker takes it over,
 * and the orchestrator carries on from the graph. A thrown error is retried with back-off.
 */
export function startFleetWorker(
  connection: Redis,
  orchestrator: FleetOrchestrator,
  options: { concurrency?: number; prefix?: string; lockMs?: number } = {},
): Worker<FleetJobData, unknown> {
  const lockDuration = options.lockMs ?? 30_000;
  const stop = new AbortController();
  const worker = new Worker<FleetJobData, unknown>(
    FLEET_QUEUE,
    // Every line logged by the orchestrator (and the migrations it starts) carries the fleet id.
    (job: Job<FleetJobData>) =>
      withLogContext({ fleetId: job.data.fleetId, jobId: job.id ?? null }, async () => {
        const status = await orchestrator.run(job.data.fleetId, stop.signal);
        // Stopped before the fleet ended: fail the job so BullMQ hands it to another worker after the back-off.
        if (status !== 'completed' && status !== 'cancelled') {
          throw new Error(
            `orchestrator of fleet ${job.data.fleetId} stopped (${status}); another worker carries on`,
          );
        }
        return { status };
      }),
    {
      connection,
      prefix: options.prefix ?? queuePrefix(),
      concurrency: options.concurrency ?? 10,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      // A fleet lives for hours: stalls (worker restarts) are normal, not a reason to give up on it.
      maxStalledCount: 1000,
    },
  );
  const close = worker.close.bind(worker);
  // A graceful stop hands the fleet back: the job fails and is retried by another worker after its back-off.
  worker.close = async (force?: boolean) => {
    stop.abort();
    await close(force);
  };
  return worker;
}
