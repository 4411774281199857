import { describe, expect, it } from '@jest/globals';
import type { Queue } from 'bullmq';
import type { GraphClient } from '../../../src/graph/graph-client.js';
import {
  forgetCopyRate,
  observeCopyRate,
  observeMigrationEvent,
} from '../../../src/observability/engine-observer.js';
import { operationNameLabel, processMetrics } from '../../../src/observability/process-metrics.js';
import { checkReadiness } from '../../../src/observability/readiness.js';
import { stateMetrics } from '../../../src/observability/state-metrics.js';

/** The value of one sample line `name{labels} value` in Prometheus text, or null. */
function sample(text: string, name: string, labels: string): number | null {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
}

const event = (kind: string, phase: string, data: Record<string, unknown> | null) => ({
  migrationId: 'mig-metrics-1',
  vmId: 'vc/vm-1',
  vmName: 'db-01',
  phase,
  level: 'info' as const,
  kind,
  message: kind,
  data,
});

describe('metrics', () => {
  it('engine events move bytes copied, phase durations and run outcomes', async () => {
    const { registry } = processMetrics();
    const before = await registry.metrics();
    const bytesBefore = sample(before, 'ffo_migration_bytes_copied_total', 'pipeline="nbd"') ?? 0;
    observeMigrationEvent(event('chunk.copied', 'copy', { bytes: 4096, chunk: 1 }));
    observeMigrationEvent(event('chunk.copied', 'copy', { bytes: 1024, chunk: 2 }));
    observeMigrationEvent(event('disk.downloaded', 'download', { bytes: 512 }));
    observeMigrationEvent(event('phase.finished', 'copy', { seconds: 42 }));
    observeMigrationEvent(event('migration.completed', 'completed', null));
    observeMigrationEvent(event('rollback.finished', 'cancelled', null));
    observeMigrationEvent(event('round.finished', 'copy', { bytesCopied: 999999 })); // not double counted
    const text = await registry.metrics();
    expect(sample(text, 'ffo_migration_bytes_copied_total', 'pipeline="nbd"')).toBe(bytesBefore + 5120);
    expect(sample(text, 'ffo_migration_bytes_copied_total', 'pipeline="http"')).toBeGreaterThanOrEqual(512);
    expect(sample(text, 'ffo_migration_phase_duration_seconds_count', 'phase="copy"')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(text, 'ffo_migration_phase_duration_seconds_bucket', 'le="30",phase="copy"')).toBe(0);
    expect(sample(text, 'ffo_migration_phase_duration_seconds_bucket', 'le="60",phase="copy"')).toBe(1);
    expect(sample(text, 'ffo_migration_runs_finished_total', 'outcome="completed"')).toBe(1);
    expect(sample(text, 'ffo_migration_runs_finished_total', 'outcome="cancelled"')).toBe(1);
    expect(text).toContain('# TYPE ffo_graphql_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('a running migration has a copy-rate series until it ends', async () => {
    const { registry } = processMetrics();
    observeCopyRate('mig-rate', 'web-01', 1_000_000, false);
    expect(
      sample(
        await registry.metrics(),
        'ffo_migration_copy_rate_bytes_per_second',
        'migration_id="mig-rate",vm="web-01"',
      ),
    ).toBe(1_000_000);
    observeCopyRate('mig-rate', 'web-01', null, false); // unknown rate: the last one stays
    expect(
      sample(
        await registry.metrics(),
        'ffo_migration_copy_rate_bytes_per_second',
        'migration_id="mig-rate",vm="web-01"',
      ),
    ).toBe(1_000_000);
    observeCopyRate('mig-rate', 'web-01', 5, true);
    expect(await registry.metrics()).not.toContain('migration_id="mig-rate"');
    observeCopyRate('mig-rate-2', 'web-02', 7, false);
    forgetCopyRate('mig-rate-2', 'web-02');
    expect(await registry.metrics()).not.toContain('migration_id="mig-rate-2"');
  });

  it('bounds client-chosen operation names', () => {
    expect(operationNameLabel(null)).toBe('anonymous');
    expect(operationNameLabel('x'.repeat(100))).toHaveLength(64);
    for (let i = 0; i < 300; i++) operationNameLabel(`op${i}`);
    expect(operationNameLabel('one-too-many')).toBe('other');
    expect(operationNameLabel('op0')).toBe('op0');
  });

  it('renders scrape-time gauges from the graph and the queues, and marks a failing source', async () => {
    const graph = {
      read: async () => [
        { status: 'running', phase: 'copy', migrations: 3 },
        { status: 'failed', phase: 'launch', migrations: 1 },
      ],
    };
    const queue = {
      name: 'migrate-vm',
      getJobCounts: async () => ({ waiting: 4, active: 2, delayed: 1, failed: 0 }),
      getWorkersCount: async () => 2,
    };
    const state = stateMetrics({
      graph: graph as unknown as GraphClient,
      queues: [queue as unknown as Queue],
    });
    await state.refresh();
    let text = await state.registry.metrics();
    expect(sample(text, 'ffo_migrations', 'status="running",phase="copy"')).toBe(3);
    expect(sample(text, 'ffo_migrations', 'status="failed",phase="launch"')).toBe(1);
    expect(sample(text, 'ffo_queue_jobs', 'queue="migrate-vm",state="waiting"')).toBe(4);
    expect(sample(text, 'ffo_queue_jobs', 'queue="migrate-vm",state="delayed"')).toBe(1);
    expect(sample(text, 'ffo_queue_workers', 'queue="migrate-vm"')).toBe(2);
    expect(sample(text, 'ffo_metrics_source_up', 'source="graph"')).toBe(1);
    graph.read = async () => {
      throw new Error('Neo4j is unavailable');
    };
    await state.refresh();
    text = await state.registry.metrics();
    expect(sample(text, 'ffo_metrics_source_up', 'source="graph"')).toBe(0);
    expect(sample(text, 'ffo_metrics_source_up', 'source="queues"')).toBe(1);
  });

  it('readiness: all checks reported, failing ones named, a hanging one bounded in time', async () => {
    const report = await checkReadiness(
      [
        { name: 'neo4j', probe: async () => 'reachable' },
        { name: 'redis', probe: () => new Promise<string>(() => undefined) },
        {
          name: 'queue:fleet',
          probe: async () => {
            throw new Error('no worker consumes fleet');
          },
        },
      ],
      50,
    );
    expect(report.status).toBe('not_ready');
    expect(report.failing).toEqual(['redis', 'queue:fleet']);
    expect(report.checks.find((c) => c.name === 'redis')!.detail).toBe('no answer within 50 ms');
    expect(report.checks.find((c) => c.name === 'neo4j')).toMatchObject({ ok: true, detail: 'reachable' });
    expect((await checkReadiness([{ name: 'neo4j', probe: async () => 'ok' }])).status).toBe('ready');
  });
});
