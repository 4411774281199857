import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GraphClient } from '../graph/graph-client.js';

/** One dependency a process needs to do its work; `probe` resolves with a detail or throws why it is not ready. */
export interface ReadinessCheck {
  name: string;
  probe(): Promise<string>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: CheckResult[];
  failing: string[];
}

const DEFAULT_TIMEOUT_MS = 3000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** All checks at once, each bounded in time (an unreachable Redis must not hang the probe). */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      const started = performance.now();
      try {
        const detail = await withTimeout(check.probe(), timeoutMs);
        return { name: check.name, ok: true, detail, ms: Math.round(performance.now() - started) };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return { name: check.name, ok: false, detail, ms: Math.round(performance.now() - started) };
      }
    }),
  );
  const failing = results.filter((r) => !r.ok).map((r) => r.name);
  return { status: failing.length === 0 ? 'ready' : 'not_ready', checks: results, failing };
}

export function graphCheck(graph: GraphClient): ReadinessCheck {
  return {
    name: 'neo4j',
    probe: async () => {
      await graph.verify();
      return 'reachable';
    },
  };
}

export function redisCheck(redis: Redis): ReadinessCheck {
  return {
    name: 'redis',
    probe: async () => {
      const answer = await redis.ping();
      if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
      return 'PONG';
    },
  };
}

/** A queue is consumed when at least one worker (of any process) is connected to it. */
export function queueConsumersCheck(queue: Queue): ReadinessCheck {
  return {
    name: `queue:${queue.name}`,
    probe: async () => {
      const workers = await queue.getWorkersCount();
      if (workers === 0)
        throw new Error(`no worker consumes ${queue.name} (prefix ${queue.opts.prefix ?? 'bull'})`);
      return `${workers} worker(s)`;
    },
  };
}

/** A worker process is ready when its own BullMQ workers run. */
export function workerRunningCheck(worker: Worker): ReadinessCheck {
  return {
    name: `worker:${worker.name}`,
    probe: async () => {
      if (!worker.isRunning()) throw new Error(`worker of ${worker.name} is not running`);
      return 'running';
    },
  };
}
