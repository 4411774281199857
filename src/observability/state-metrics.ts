import type { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import type { GraphClient } from '../graph/graph-client.js';

/** Where scrape-time gauges read from: the twin (shared by all processes) and the BullMQ queues. */
export interface StateSources {
  graph: GraphClient | null;
  queues: readonly Queue[];
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const SOURCE_TIMEOUT_MS = 3000;

function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), SOURCE_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

export interface StateMetrics {
  registry: Registry;
  /** Reads every source and sets the gauges; call before rendering the registry. */
  refresh(): Promise<void>;
}

/**
 * Gauges computed when scraped: migrations by status and phase from the graph (correct however many workers run
 * them) and queue depths and consumers from Redis. A source that fails reports `ffo_metrics_source_up 0` instead of
 * failing the whole scrape.
 */
export function stateMetrics(sources: StateSources): StateMetrics {
  const registry = new Registry();
  const registers = [registry];
  const sourceUp = new Gauge({
    name: 'ffo_metrics_source_up',
    help: 'Whether the last scrape could read a source (graph, queues)',
    labelNames: ['source'],
    registers,
  });
  const migrations = new Gauge({
    name: 'ffo_migrations',
    help: 'Migrations in the twin by status (outcome) and engine phase',
    labelNames: ['status', 'phase'],
    registers,
  });
  const jobs = new Gauge({
    name: 'ffo_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers,
  });
  const workers = new Gauge({
    name: 'ffo_queue_workers',
    help: 'Workers connected to each queue (any process)',
    labelNames: ['queue'],
    registers,
  });

  const readGraph = async (graph: GraphClient): Promise<void> => {
    try {
      const rows = await bounded(graph.read('metrics-migrations'));
      migrations.reset();
      for (const row of rows) {
        migrations.set({ status: String(row.status), phase: String(row.phase) }, Number(row.migrations));
      }
      sourceUp.set({ source: 'graph' }, 1);
    } catch {
      sourceUp.set({ source: 'graph' }, 0);
    }
  };
  const readQueues = async (queues: readonly Queue[]): Promise<void> => {
    try {
      await bounded(
        Promise.all(
          queues.map(async (queue) => {
            const counts = await queue.getJobCounts(...QUEUE_STATES);
            for (const state of QUEUE_STATES) jobs.set({ queue: queue.name, state }, counts[state] ?? 0);
            workers.set({ queue: queue.name }, await queue.getWorkersCount());
          }),
        ),
      );
      sourceUp.set({ source: 'queues' }, 1);
    } catch {
      sourceUp.set({ source: 'queues' }, 0);
    }
  };

  return {
    registry,
    refresh: async () => {
      await Promise.all([
        sources.graph ? readGraph(sources.graph) : Promise.resolve(),
        sources.queues.length > 0 ? readQueues(sources.queues) : Promise.resolve(),
      ]);
    },
  };
}
