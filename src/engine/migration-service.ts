import { randomUUID } from 'node:crypto';
import type { GraphClient } from '../graph/graph-client.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { MigrationQueue } from '../queue/migration-queue.js';
import type { MigrationPlanning } from '../services/migration-planning.js';
import type { EngineSettings } from './engine-settings.js';
import type { MigrationEventBus } from './migration-events.js';
import { parseMigrationOptions, type MigrationOptionsInput } from './migration-options.js';
import { planMigration } from './migration-planner.js';
import type { MigrationStore } from './migration-store.js';
import type { MigrationRecord } from './migration-types.js';
import { selectPipeline, type PipelineFacts } from './pipeline-selector.js';

export interface MigrationSummary {
  id: string;
  vmId: string | null;
  vmName: string;
  mode: string;
  status: string;
  phase: string;
  pipeline: string;
  pipelineReason: string;
}

const summary = (r: MigrationRecord): MigrationSummary => ({
  id: r.id,
  vmId: r.vmId,
  vmName: r.vmName,
  mode: r.mode,
  status: r.status,
  phase: r.phase,
  pipeline: r.plan.pipeline,
  pipelineReason: r.plan.pipelineReason,
});

/**
 * The engine's front door for GraphQL, the CLI and (later) the fleet orchestrator. Everything is validated and
 * planned here, before anything is created; the work itself runs in `ffo worker` from the `migrate-vm` queue.
 */
export class MigrationService {
  constructor(
    private readonly graph: GraphClient,
    private readonly planning: MigrationPlanning,
    private readonly store: MigrationStore,
    private readonly bus: MigrationEventBus,
    private readonly queue: MigrationQueue,
    private readonly settings: EngineSettings,
    private readonly hostFacts: () => Promise<PipelineFacts>,
    private readonly clouds: readonly string[] = [],
  ) {}

  async start(vmRef: string, cloud: string, input: MigrationOptionsInput): Promise<MigrationSummary> {
    const options = parseMigrationOptions(input, cloud);
    const pipeline = selectPipeline(options.pipeline, options.mode, await this.hostFacts());
    const plan = await planMigration(this.graph, this.planning, vmRef, options, pipeline);
    const id = randomUUID();
    if (!(await this.store.create({ id, vmId: plan.vm.id, plan }))) {
      const active = await this.store.activeFor(plan.vm.id);
      throw new FfoError(
        ErrorCode.MIGRATION_IN_PROGRESS,
        `${plan.vm.name} already has migration ${active?.id ?? '?'} (${active?.status ?? '?'}, ${active?.phase ?? '?'})`,
        { details: { vm: plan.vm.id, migration: active?.id ?? null } },
      );
    }
    const record = await this.store.get(id);
    await this.bus.emit(
      record,
      'queued',
      'info',
      'migration.created',
      `${options.mode} migration of ${plan.vm.name} queued`,
      {
        pipeline: plan.pipeline,
        pipelineReason: plan.pipelineReason,
        flavor: plan.flavor.name,
        phases: plan.phases,
        warnings: plan.warnings,
      },
    );
    await this.queue.enqueue({ migrationId: id, action: 'run' }, 0);
    return summary(record);
  }

  async get(id: string): Promise<MigrationRecord> {
    return this.store.get(id);
  }

  /** Manual cutover of a warm migration: the delta loop ends and the cutover phase begins. */
  async cutover(id: string): Promise<MigrationSummary> {
    const record = await this.store.get(id);
    if (record.mode !== 'warm') {
      throw new FfoError(
        ErrorCode.MIGRATION_STATE_INVALID,
        `migration ${id} is cold: it has no cutover to trigger`,
      );
    }
    if (!['queued', 'running'].includes(record.status)) {
      throw new FfoError(
        ErrorCode.MIGRATION_STATE_INVALID,
        `migration ${id} is ${record.status}: nothing to cut over`,
        {
          details: { status: record.status },
        },
      );
    }
    if (record.checkpoints.completedPhases.includes('cutover')) {
      throw new FfoError(ErrorCode.MIGRATION_STATE_INVALID, `migration ${id} is already past its cutover`);
    }
    await this.store.stamp(id, ['cutoverRequestedAt']);
    await this.bus.emit(record, record.phase, 'info', 'cutover.requested', 'cutover requested');
    await this.bus.control(id, 'cutover');
    return summary(await this.store.get(id));
  }

  /** Warm: run a delta round now instead of waiting for the interval. */
  async syncNow(id: string): Promise<MigrationSummary> {
    const record = await this.store.get(id);
    if (record.mode !== 'warm' || record.status !== 'running') {
      throw new FfoError(
        ErrorCode.MIGRATION_STATE_INVALID,
        `migration ${id} is not a running warm migration`,
      );
    }
    await this.bus.control(id, 'sync');
    return summary(record);
  }

  /** Stops a migration and removes what it made (a queued one simply never starts). */
  async cancel(id: string): Promise<MigrationSummary> {
    const record = await this.store.get(id);
    if (['completed', 'cancelled', 'rolled_back'].includes(record.status)) {
      throw new FfoError(ErrorCode.MIGRATION_STATE_INVALID, `migration ${id} is already ${record.status}`);
    }
    await this.store.stamp(id, ['cancelRequestedAt']);
    if (record.status === 'failed') {
      await this.store.update(id, { status: 'rolling_back' }, ['failed']);
      await this.queue.enqueue({ migrationId: id, action: 'rollback' }, record.attempts + 1);
    } else if (record.status === 'queued' && (await this.queue.removeWaiting(id, 'run', record.attempts))) {
      // Never started: the queued job is gone, but let a worker do the (usually empty) rollback so the record
      // and the cloud agree for sure.
      await this.store.update(id, { status: 'rolling_back' }, ['queued']);
      await this.queue.enqueue({ migrationId: id, action: 'rollback' }, record.attempts + 1);
    } else {
      await this.bus.control(id, 'cancel');
    }
    await this.bus.emit(record, record.phase, 'warning', 'cancel.requested', 'cancel requested');
    return summary(await this.store.get(id));
  }

  /** Runs a failed migration again from its checkpoints. */
  async retry(id: string): Promise<MigrationSummary> {
    const record = await this.store.get(id);
    if (record.status !== 'failed') {
      throw new FfoError(
        ErrorCode.MIGRATION_STATE_INVALID,
        `only a failed migration can be retried (${id} is ${record.status})`,
      );
    }
    if (
      !(await this.store.update(id, { status: 'queued', errorCode: null, errorMessage: null }, ['failed']))
    ) {
      throw new FfoError(ErrorCode.MIGRATION_STATE_INVALID, `migration ${id} changed state meanwhile`);
    }
    await this.bus.emit(
      record,
      record.phase,
      'info',
      'migration.retry',
      `retry ${record.attempts + 1} queued`,
    );
    await this.queue.enqueue({ migrationId: id, action: 'run' }, record.attempts + 1);
    return summary(await this.store.get(id));
  }

  /** Removes what a finished (failed or completed) migration made and powers the source back on. */
  async rollback(id: string): Promise<MigrationSummary> {
    const record = await this.store.get(id);
    if (!['failed', 'completed', 'cancelled'].includes(record.status)) {
      throw new FfoError(
        ErrorCode.MIGRATION_STATE_INVALID,
        `migration ${id} is ${record.status}: ${record.status === 'rolled_back' ? 'already rolled back' : 'cancel it first'}`,
        { details: { status: record.status } },
      );
    }
    if (!(await this.store.update(id, { status: 'rolling_back' }, ['failed', 'completed', 'cancelled']))) {
      throw new FfoError(ErrorCode.MIGRATION_STATE_INVALID, `migration ${id} changed state meanwhile`);
    }
    await this.bus.emit(record, record.phase, 'warning', 'rollback.requested', 'rollback requested');
    await this.queue.enqueue({ migrationId: id, action: 'rollback' }, record.attempts + 1);
    return summary(await this.store.get(id));
  }

  get engineSettings(): EngineSettings {
    return this.settings;
  }

  configuredClouds(): string[] {
    return [...this.clouds];
  }
}
