import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GraphClient } from '../graph/graph-client.js';
import { processMetrics } from './process-metrics.js';
import {
  checkReadiness,
  graphCheck,
  queueConsumersCheck,
  redisCheck,
  workerRunningCheck,
  type ReadinessCheck,
} from './readiness.js';
import { stateMetrics } from './state-metrics.js';

/** What a process's health, readiness and metrics are about. */
export interface OperationsSources {
  graph: GraphClient;
  redis: Redis;
  /** The queues that must have a consumer (the API: discovery, migrate-vm, fleet). */
  queues: readonly Queue[];
  /** A worker process's own BullMQ workers, which must be running. */
  workers?: readonly Worker[];
}

export const OPERATIONS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

export interface OperationsEndpoints {
  matches(pathname: string, method: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * /healthz: the process is up (no dependency is asked). /readyz: Neo4j, Redis and the queues' consumers, 200 when
 * all pass, 503 naming the failing ones. /metrics: Prometheus text, this process's metrics plus scrape-time gauges.
 */
export function operationsEndpoints(sources: OperationsSources): OperationsEndpoints {
  const started = Date.now();
  const checks: ReadinessCheck[] = [
    graphCheck(sources.graph),
    redisCheck(sources.redis),
    ...sources.queues.map(queueConsumersCheck),
    ...(sources.workers ?? []).map(workerRunningCheck),
  ];
  const state = stateMetrics({ graph: sources.graph, queues: sources.queues });
  const { registry } = processMetrics();
  return {
    matches: (pathname, method) =>
      (method === 'GET' || method === 'HEAD') && (OPERATIONS_PATHS as readonly string[]).includes(pathname),
    handle: async (_req, res, url) => {
      if (url.pathname === '/healthz') {
        json(res, 200, {
          status: 'ok',
          pid: process.pid,
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
        });
        return;
      }
      if (url.pathname === '/readyz') {
        const report = await checkReadiness(checks);
        json(res, report.status === 'ready' ? 200 : 503, report);
        return;
      }
      await state.refresh();
      const text = `${await registry.metrics()}\n${await state.registry.metrics()}`;
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(text);
    },
  };
}
