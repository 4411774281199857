import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The metrics this process records as things happen (GraphQL requests, copied bytes, phase durations, finished
 * runs, jobs), plus Node's process metrics. One registry per process: every API server or worker started in it
 * reports into the same counters, as Prometheus expects of one scrape target.
 */
export interface ProcessMetrics {
  registry: Registry;
  graphqlDuration: Histogram<'operation_type' | 'operation_name' | 'outcome'>;
  bytesCopied: Counter<'pipeline'>;
  copyRate: Gauge<'migration_id' | 'vm'>;
  phaseDuration: Histogram<'phase'>;
  runsFinished: Counter<'outcome'>;
  jobsProcessed: Counter<'queue' | 'outcome'>;
}

let instance: ProcessMetrics | null = null;

export function processMetrics(): ProcessMetrics {
  if (instance) return instance;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  instance = {
    registry,
    graphqlDuration: new Histogram({
      name: 'ffo_graphql_request_duration_seconds',
      help: 'GraphQL request latency over HTTP, by operation type and name',
      labelNames: ['operation_type', 'operation_name', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    bytesCopied: new Counter({
      name: 'ffo_migration_bytes_copied_total',
      help: 'Disk bytes written to target volumes by migrations run in this process',
      labelNames: ['pipeline'],
      registers,
    }),
    copyRate: new Gauge({
      name: 'ffo_migration_copy_rate_bytes_per_second',
      help: 'Current copy rate of each migration running in this process (removed when it ends)',
      labelNames: ['migration_id', 'vm'],
      registers,
    }),
    phaseDuration: new Histogram({
      name: 'ffo_migration_phase_duration_seconds',
      help: 'Duration of finished engine phases',
      labelNames: ['phase'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200],
      registers,
    }),
    runsFinished: new Counter({
      name: 'ffo_migration_runs_finished_total',
      help: 'Migration runs that ended in this process, by outcome (completed, failed, retrying, cancelled, rolled_back, rollback_failed)',
      labelNames: ['outcome'],
      registers,
    }),
    jobsProcessed: new Counter({
      name: 'ffo_queue_jobs_processed_total',
      help: 'Queue jobs this worker process finished, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      registers,
    }),
  };
  return instance;
}

const MAX_OPERATION_NAMES = 200;
const seenOperationNames = new Set<string>();

/** Operation names come from clients: bounded, so a client cannot blow up the label space. */
export function operationNameLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  const clean = name.slice(0, 64);
  if (seenOperationNames.has(clean)) return clean;
  if (seenOperationNames.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperationNames.add(clean);
  return clean;
}
