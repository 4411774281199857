import type { Job, Worker } from 'bullmq';
import { createLogger } from './logger.js';
import { processMetrics } from './process-metrics.js';

const log = createLogger('worker');

/** The ids a job is about, from its data: a migration, a fleet or a discovery run. */
function jobIds(job: Job | undefined): Record<string, string> {
  const data = (job?.data ?? {}) as Record<string, unknown>;
  const ids: Record<string, string> = {};
  for (const key of ['migrationId', 'fleetId', 'runId']) {
    if (typeof data[key] === 'string') ids[key] = data[key];
  }
  if (job?.id) ids.jobId = job.id;
  return ids;
}

/** Logs a BullMQ worker's job lifecycle as JSON lines with the job's ids, and counts finished jobs. */
export function observeWorker(worker: Worker): void {
  const { jobsProcessed } = processMetrics();
  const queue = worker.name;
  worker.on('active', (job) =>
    log.info(`job ${job.id} started`, { queue, ...jobIds(job), attempt: job.attemptsMade + 1 }),
  );
  worker.on('completed', (job) => {
    jobsProcessed.inc({ queue, outcome: 'completed' });
    log.info(`job ${job.id} done`, { queue, ...jobIds(job) });
  });
  worker.on('failed', (job, error) => {
    jobsProcessed.inc({ queue, outcome: 'failed' });
    log.error(`job ${job?.id} failed: ${error.message}`, { queue, ...jobIds(job), error });
  });
  worker.on('stalled', (jobId) =>
    log.warn(`job ${jobId} stalled: its worker stopped renewing the lock`, { queue, jobId }),
  );
  worker.on('error', (error) => log.error(`worker of ${queue}: ${error.message}`, { queue, error }));
}
