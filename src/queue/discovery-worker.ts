import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isFfoError } from '../errors/index.js';
import type { DiscoveryResult, SourceDiscovery } from '../services/source-discovery.js';
import { DISCOVERY_QUEUE, type DiscoveryJobData, queuePrefix } from './queue-names.js';

/**
 * Runs discovery jobs. Errors are job-control signals: a retryable FfoError (vCenter unreachable, Neo4j
 * transient) is thrown as is so BullMQ retries with backoff; anything else fails the job for good.
 */
export function startDiscoveryWorker(
  connection: Redis,
  discovery: SourceDiscovery,
  options: { concurrency?: number; prefix?: string } = {},
): Worker<DiscoveryJobData, DiscoveryResult> {
  return new Worker<DiscoveryJobData, DiscoveryResult>(
    DISCOVERY_QUEUE,
    async (job: Job<DiscoveryJobData>) => {
      try {
        return await discovery.run(job.data.runId, job.data.vcenter);
      } catch (error) {
        if (isFfoError(error) && error.retryable) throw error;
        throw new UnrecoverableError(isFfoError(error) ? `${error.code}: ${error.message}` : String(error));
      }
    },
    { connection, prefix: options.prefix ?? queuePrefix(), concurrency: options.concurrency ?? 2 },
  );
}
