import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isFfoError } from '../errors/index.js';
import { withLogContext } from '../observability/logger.js';
import type { SourceDiscovery } from '../services/source-discovery.js';
import type { TargetDiscovery } from '../services/target-discovery.js';
import { DISCOVERY_QUEUE, type DiscoveryJobData, queuePrefix } from './queue-names.js';

/**
 * Runs discovery jobs. Errors are job-control signals: a retryable FfoError (vCenter unreachable, Neo4j
 * transient) is thrown as is so BullMQ retries with backoff; anything else fails the job for good.
 */
export function startDiscoveryWorker(
  connection: Redis,
  discovery: { source: SourceDiscovery; target: TargetDiscovery | null },
  options: { concurrency?: number; prefix?: string } = {},
): Worker<DiscoveryJobData, unknown> {
  return new Worker<DiscoveryJobData, unknown>(
    DISCOVERY_QUEUE,
    (job: Job<DiscoveryJobData>) =>
      withLogContext({ runId: job.data.runId, jobId: job.id ?? null }, async () => {
        try {
          const { runId, side, name } = job.data;
          if (side === 'source') return await discovery.source.run(runId, name);
          if (!discovery.target)
            throw new UnrecoverableError('this worker has no target discovery configured');
          return await discovery.target.run(runId, name);
        } catch (error) {
          if (isFfoError(error) && error.retryable) throw error;
          throw new UnrecoverableError(isFfoError(error) ? `${error.code}: ${error.message}` : String(error));
        }
      }),
    { connection, prefix: options.prefix ?? queuePrefix(), concurrency: options.concurrency ?? 2 },
  );
}
