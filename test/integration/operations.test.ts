// Operations on the real lab: /healthz, /readyz and /metrics of the API and of `ffo worker --metrics-port`
// (real child processes), and the worker's JSON log lines carrying the migration id of the job they belong to.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import { startApiServer, type RunningApi } from '../../src/api/api-server.js';
import type { ApiServices } from '../../src/api/api-context.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import { issueToken } from '../../src/auth/jwt-auth.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { operationsRoutes } from '../../src/observability/operations-routes.js';
import { DiscoveryQueue } from '../../src/queue/discovery-queue.js';
import { FleetQueue } from '../../src/queue/fleet-queue.js';
import { MigrationQueue } from '../../src/queue/migration-queue.js';
import { bullConnection } from '../../src/queue/redis-connection.js';
import { CLOUD, EngineLab, MiB, writeAt } from './support/engine-lab.js';
import { labConfig, openGraph, uniqueName } from './support/lab.js';

type LogLine = Record<string, unknown> & { msg: string; level: string; component: string };

/** A free TCP port on 127.0.0.1 (bound and released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Collects a child's stdout as JSON log lines; `waitFor` resolves with the first matching line. */
class LogCollector {
  readonly lines: LogLine[] = [];
  readonly other: string[] = [];
  private buffer = '';
  private waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  attach(child: ChildProcess): void {
    child.stdout!.on('data', (data: Buffer) => this.feed(data.toString()));
  }

  private feed(text: string): void {
    this.buffer += text;
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop()!;
    for (const raw of parts.filter((p) => p.trim())) {
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        this.other.push(raw);
        continue;
      }
      this.lines.push(line);
      for (const w of [...this.waiters]) {
        if (w.test(line)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  }

  waitFor(test: (l: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

/** The sum of the samples `name{labels} value` in Prometheus text whose labels include all of `labels`. */
function sampleSum(text: string, name: string, labels: string | string[] = []): number | null {
  const wanted = typeof labels === 'string' ? [labels] : labels;
  let found = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name || !wanted.every((l) => (match[2] ?? '').includes(l))) continue;
    found = true;
    sum += Number(match[3]);
  }
  return found ? sum : null;
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface ReadyBody {
  status: string;
  failing: string[];
  checks: { name: string; ok: boolean; detail: string }[];
}

describe('operations endpoints of the API and the worker', () => {
  const prefix = uniqueName('ffo-ops-test');
  let config: AppConfig;
  let graph: GraphClient;
  let connection: Redis;
  let queues: { discovery: DiscoveryQueue; migration: MigrationQueue; fleet: FleetQueue };
  let api: RunningApi;
  let schema: GraphQLSchema;
  let base: string;
  let token: string;
  let worker: ChildProcess | null = null;
  const workerLogs = new LogCollector();
  let workerMetricsPort = 0;

  beforeAll(async () => {
    config = { ...labConfig(), auth: { jwtSecret: 'operations-test-secret-0123456789', disabled: false } };
    token = await issueToken(config.auth.jwtSecret!, 'ops-test', ['analyst']);
    graph = await openGraph(config);
    connection = bullConnection(config.redisUrl);
    queues = {
      discovery: new DiscoveryQueue(connection, prefix),
      migration: new MigrationQueue(connection, prefix),
      fleet: new FleetQueue(connection, prefix),
    };
    const routes = operationsRoutes({
      graph,
      queueConnection: connection,
      discoveryQueue: queues.discovery,
      migrationQueue: queues.migration,
      fleetQueue: queues.fleet,
    });
    // Only generated twin queries are asked here: their resolvers need the driver (in the schema), no service.
    const services = { graph } as unknown as ApiServices;
    schema = await buildSchema(graph.driver);
    api = await startApiServer(schema, services, config, {
      port: 0,
      host: '127.0.0.1',
      routes,
    });
    base = api.url.replace(/\/graphql$/, '');
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await api?.close();
    await queues?.discovery.close();
    await queues?.migration.close();
    await queues?.fleet.close();
    await connection?.quit().catch(() => undefined);
    await graph?.close();
  }, 60_000);

  it('/healthz answers while the process is up, without asking any dependency', async () => {
    const { status, body } = await getJson(`${base}/healthz`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', pid: process.pid });
  });

  it('/readyz is 503 naming the queues nobody consumes, with Neo4j and Redis passing', async () => {
    const { status, body } = await getJson(`${base}/readyz`);
    const ready = body as unknown as ReadyBody;
    expect(status).toBe(503);
    expect(ready.status).toBe('not_ready');
    expect(ready.failing.sort()).toEqual(['queue:discovery', 'queue:fleet', 'queue:migrate-vm']);
    expect(ready.checks.find((c) => c.name === 'neo4j')).toMatchObject({ ok: true });
    expect(ready.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: true, detail: 'PONG' });
    expect(ready.checks.find((c) => c.name === 'queue:fleet')!.detail).toContain(prefix);
  });

  it('/readyz turns 200 once an `ffo worker` consumes the queues; the worker serves its own endpoints', async () => {
    workerMetricsPort = await freePort();
    worker = spawn(process.execPath, ['bin/ffo.js', 'worker', '--concurrency', '1', '--migrations', '1'], {
      env: {
        ...process.env,
        FFO_QUEUE_PREFIX: prefix,
        FFO_WORKER_METRICS_PORT: String(workerMetricsPort),
        FFO_LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    worker.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    workerLogs.attach(worker);
    const exited = new Promise<never>((_, reject) =>
      worker!.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`))),
    );
    const ready = await Promise.race([
      workerLogs.waitFor((l) => l.msg.startsWith('FFO worker ready')),
      exited,
    ]);
    expect(ready).toMatchObject({ level: 'info', component: 'worker', pid: worker.pid });
    const metricsLine = await workerLogs.waitFor((l) => typeof l.metricsUrl === 'string');
    expect(metricsLine.metricsUrl).toBe(`http://127.0.0.1:${workerMetricsPort}`);
    // Nothing but JSON on stdout.
    expect(workerLogs.other).toEqual([]);

    const api200 = await getJson(`${base}/readyz`);
    expect({ status: api200.status, failing: (api200.body as unknown as ReadyBody).failing }).toEqual({
      status: 200,
      failing: [],
    });

    const workerBase = `http://127.0.0.1:${workerMetricsPort}`;
    expect((await getJson(`${workerBase}/healthz`)).body).toMatchObject({ status: 'ok', pid: worker.pid });
    const workerReady = await getJson(`${workerBase}/readyz`);
    expect(workerReady.status).toBe(200);
    expect((workerReady.body as unknown as ReadyBody).checks.map((c) => c.name).sort()).toEqual([
      'neo4j',
      'queue:discovery',
      'queue:fleet',
      'queue:migrate-vm',
      'redis',
      'worker:discovery',
      'worker:fleet',
      'worker:migrate-vm',
    ]);
    const metrics = await fetch(`${workerBase}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(sampleSum(text, 'ffo_queue_workers', 'queue="migrate-vm"')).toBeGreaterThanOrEqual(1);
    expect(sampleSum(text, 'ffo_queue_jobs', 'state="waiting"')).toBe(0);
    expect(sampleSum(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleSum(text, 'ffo_metrics_source_up', 'source="graph"')).toBe(1);
    expect((await fetch(`${workerBase}/nothing`)).status).toBe(404);
  }, 120_000);

  it('/metrics of the API has the named families, and GraphQL latency moves after a query', async () => {
    const scrape = async (): Promise<string> => {
      const response = await fetch(`${base}/metrics`);
      expect(response.status).toBe(200);
      return response.text();
    };
    const before = await scrape();
    for (const family of [
      'ffo_graphql_request_duration_seconds',
      'ffo_migration_bytes_copied_total',
      'ffo_migration_copy_rate_bytes_per_second',
      'ffo_migration_phase_duration_seconds',
      'ffo_migration_runs_finished_total',
      'ffo_migrations',
      'ffo_queue_jobs',
      'ffo_queue_workers',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect({ family, present: before.includes(`# TYPE ${family} `) }).toEqual({ family, present: true });
    }
    const label = ['operation_type="query"', 'operation_name="OpsTestVms"', 'outcome="ok"'];
    const countBefore = sampleSum(before, 'ffo_graphql_request_duration_seconds_count', label) ?? 0;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'query OpsTestVms { vms(limit: 1) { id } }' }),
      });
      expect(response.status).toBe(200);
    }
    const after = await scrape();
    expect(sampleSum(after, 'ffo_graphql_request_duration_seconds_count', label)).toBe(countBefore + 3);
    expect(sampleSum(after, 'ffo_graphql_request_duration_seconds_sum', label)).toBeGreaterThan(0);
    // Migrations by status and phase come from the graph at scrape time: the same numbers the graph has.
    const rows = await graph.read('metrics-migrations');
    const total = rows.reduce((sum, r) => sum + Number(r.migrations), 0);
    expect(sampleSum(after, 'ffo_migrations') ?? 0).toBe(total);
  });

  it('an unreachable Redis fails readiness within its timeout instead of hanging', async () => {
    const dead = bullConnection('redis://127.0.0.1:1');
    dead.on('error', () => undefined);
    const deadApi = await startApiServer(schema, { graph } as unknown as ApiServices, config, {
      port: 0,
      host: '127.0.0.1',
      routes: operationsRoutes({
        graph,
        queueConnection: dead,
        discoveryQueue: queues.discovery,
        migrationQueue: queues.migration,
        fleetQueue: queues.fleet,
      }),
    });
    try {
      const started = Date.now();
      const { status, body } = await getJson(deadApi.url.replace(/\/graphql$/, '/readyz'));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(status).toBe(503);
      // The queues are still consumed (their own connection is fine); only Redis through this connection fails.
      expect((body as unknown as ReadyBody).failing).toEqual(['redis']);
    } finally {
      await deadApi.close();
      dead.disconnect();
    }
  });
});

describe('a worker running a migration: JSON logs with its ids, engine metrics on --metrics-port', () => {
  const lab = new EngineLab();

  beforeAll(async () => {
    await lab.start();
  }, 180_000);

  afterAll(async () => {
    await lab.stop();
  }, 120_000);

  it('every line of the job carries the migration and VM ids; bytes, phases and the outcome are counted', async () => {
    const vm = await lab.createVm({ bootBytes: 16 * MiB });
    await writeAt(vm.flats[0]!, 0, 4 * MiB);
    await lab.discover();
    const port = await freePort();
    const worker = await lab.startWorker({ FFO_WORKER_METRICS_PORT: String(port) });
    const logs = new LogCollector();
    logs.attach(worker);
    const started = await lab.service.start(vm.name, CLOUD, { pipeline: 'NBD', conversion: 'NONE' });
    expect(await lab.finished(started.id)).toBe('completed');
    await logs.waitFor((l) => l.msg.endsWith('done') && l.migrationId === started.id);

    const jobLines = logs.lines.slice(
      logs.lines.findIndex((l) => l.msg.endsWith('started') && l.component === 'worker'),
    );
    expect(jobLines.length).toBeGreaterThan(10);
    const vmId = (await lab.store.get(started.id)).vmId;
    for (const line of jobLines) {
      expect({ msg: line.msg, migrationId: line.migrationId }).toEqual({
        msg: line.msg,
        migrationId: started.id,
      });
    }
    const engineLines = jobLines.filter((l) => l.component === 'engine');
    expect(engineLines.map((l) => l.kind)).toEqual(
      expect.arrayContaining(['phase.started', 'chunk.copied', 'phase.finished', 'migration.completed']),
    );
    for (const line of engineLines) expect(line.vmId).toBe(vmId);
    expect(logs.other).toEqual([]);
    // The worker knows the vCenter password; no line does.
    expect(JSON.stringify(logs.lines)).not.toContain(lab.vcsim.password);

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(sampleSum(text, 'ffo_migration_bytes_copied_total', 'pipeline="nbd"')).toBeGreaterThanOrEqual(
      4 * MiB,
    );
    expect(sampleSum(text, 'ffo_migration_phase_duration_seconds_count', 'phase="copy"')).toBe(1);
    expect(sampleSum(text, 'ffo_migration_phase_duration_seconds_count')).toBe(7);
    expect(sampleSum(text, 'ffo_migration_runs_finished_total', 'outcome="completed"')).toBe(1);
    expect(
      sampleSum(text, 'ffo_queue_jobs_processed_total', ['queue="migrate-vm"', 'outcome="completed"']),
    ).toBe(1);
    // The run is over: its copy-rate series is gone.
    expect(text).not.toContain(`migration_id="${started.id}"`);
    expect(
      sampleSum(text, 'ffo_migrations', ['status="completed"', 'phase="completed"']),
    ).toBeGreaterThanOrEqual(1);

    await lab.service.rollback(started.id);
    expect(await lab.finished(started.id, 'rollback')).toBe('rolled_back');
    await lab.stopWorker(worker);
  }, 600_000);
});
