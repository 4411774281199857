import type { AppConfig } from '../config/app-config.js';
import { ErrorCode, FfoError, isFfoError } from '../errors/index.js';
import { addLogContext } from '../observability/logger.js';
import { forgetCopyRate } from '../observability/engine-observer.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import type { EngineSettings } from './engine-settings.js';
import { MigrationContext } from './migration-context.js';
import { openControlChannel } from './migration-control.js';
import type { MigrationEventBus } from './migration-events.js';
import { rollbackMigration } from './migration-rollback.js';
import type { MigrationStore } from './migration-store.js';
import type { MigrationStatus, Phase } from './migration-types.js';
import { runConvertPhase } from './phases/convert-phase.js';
import { runCopyPhase } from './phases/copy-phase.js';
import { runCutoverPhase } from './phases/cutover-phase.js';
import { runDeltaPhase } from './phases/delta-phase.js';
import { runDownloadPhase } from './phases/download-phase.js';
import { runEnableCbtPhase } from './phases/enable-cbt-phase.js';
import { runImportPhase } from './phases/import-phase.js';
import { runLaunchPhase } from './phases/launch-phase.js';
import type { PhaseDeps, PhaseRunner } from './phases/phase.js';
import { runPrecopyPhase } from './phases/precopy-phase.js';
import { runPreparePhase } from './phases/prepare-phase.js';
import { runShutdownPhase } from './phases/shutdown-phase.js';
import { runValidatePhase } from './phases/validate-phase.js';
import { runVerifyPhase } from './phases/verify-phase.js';

const PHASES: Record<Phase, PhaseRunner> = {
  validate: runValidatePhase,
  enable_cbt: runEnableCbtPhase,
  prepare: runPreparePhase,
  precopy: runPrecopyPhase,
  delta: runDeltaPhase,
  cutover: runCutoverPhase,
  shutdown: runShutdownPhase,
  copy: runCopyPhase,
  download: runDownloadPhase,
  convert: runConvertPhase,
  import: runImportPhase,
  launch: runLaunchPhase,
  verify: runVerifyPhase,
};

const FINISHED: readonly MigrationStatus[] = ['completed', 'failed', 'cancelled', 'rolled_back'];

export interface RunOutcome {
  status: MigrationStatus;
  /** A retryable failure: the job should be retried later (the migration stays `running`). */
  retry: FfoError | null;
}

/**
 * Drives one migration through its phases. Completed phases are skipped, so a retry or a new worker after a crash
 * continues where the last one stopped; within a phase the checkpoints do the same. Failures end the migration
 * `failed` (kept for retry or rollback) unless they are retryable and attempts remain; a cancel rolls back.
 */
export class MigrationRunner {
  constructor(
    private readonly store: MigrationStore,
    private readonly bus: MigrationEventBus,
    private readonly pubsub: RedisPubSub,
    private readonly settings: EngineSettings,
    private readonly config: AppConfig,
    private readonly deps: PhaseDeps,
  ) {}

  async run(
    migrationId: string,
    options: { finalAttempt: boolean } = { finalAttempt: true },
  ): Promise<RunOutcome> {
    const record = await this.store.get(migrationId);
    addLogContext({ migrationId, vmId: record.vmId, vm: record.vmName });
    if (FINISHED.includes(record.status)) return { status: record.status, retry: null };
    const abort = new AbortController();
    const control = await openControlChannel(this.pubsub, migrationId, () =>
      abort.abort(new FfoError(ErrorCode.MIGRATION_CANCELLED, `migration ${migrationId} was cancelled`)),
    );
    const ctx = new MigrationContext(
      record,
      this.store,
      this.bus,
      this.settings,
      this.config,
      abort.signal,
      control,
    );
    try {
      if (record.status === 'rolling_back') {
        return await this.finishRollback(ctx, record.cancelRequestedAt ? 'cancelled' : 'rolled_back');
      }
      if (record.cancelRequestedAt) return await this.finishRollback(ctx, 'cancelled');
      await this.store.update(migrationId, { status: 'running', attempts: record.attempts + 1 }, [
        'queued',
        'running',
      ]);
      await this.store.stamp(migrationId, ['startedAt']);
      record.status = 'running';
      for (const phase of record.plan.phases) {
        if (record.checkpoints.completedPhases.includes(phase)) continue;
        ctx.throwIfCancelled();
        record.phase = phase;
        await this.store.update(migrationId, { phase });
        await ctx.event('info', 'phase.started', `phase ${phase} started`);
        await ctx.progress(true);
        const started = Date.now();
        await PHASES[phase](ctx, this.deps);
        record.checkpoints.completedPhases.push(phase);
        await ctx.saveCheckpoints();
        await ctx.event(
          'info',
          'phase.finished',
          `phase ${phase} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          {
            seconds: (Date.now() - started) / 1000,
          },
        );
      }
      record.status = 'completed';
      record.phase = 'completed';
      await this.store.update(migrationId, {
        status: 'completed',
        phase: 'completed',
        errorCode: null,
        errorMessage: null,
      });
      await this.store.stamp(migrationId, ['finishedAt']);
      await ctx.event('info', 'migration.completed', `${record.plan.vm.name} migrated`, {
        serverId: record.checkpoints.server?.id ?? null,
      });
      await ctx.progress(true);
      ctx.removeWorkDir();
      return { status: 'completed', retry: null };
    } catch (error) {
      const cancelled =
        abort.signal.aborted || (isFfoError(error) && error.code === ErrorCode.MIGRATION_CANCELLED);
      if (cancelled) return await this.finishRollback(ctx, 'cancelled');
      const ffo = isFfoError(error)
        ? error
        : new FfoError(ErrorCode.INTERNAL, String(error), { cause: error });
      if (ffo.retryable && !options.finalAttempt) {
        await ctx.event('warning', 'migration.retrying', `${ffo.code}: ${ffo.message} (will retry)`, {
          code: ffo.code,
        });
        return { status: 'running', retry: ffo };
      }
      record.status = 'failed';
      await this.store.update(migrationId, {
        status: 'failed',
        errorCode: ffo.code,
        errorMessage: ffo.message,
        errorPhase: record.phase,
      });
      await this.store.stamp(migrationId, ['finishedAt']);
      await ctx.event('error', 'migration.failed', `${ffo.code}: ${ffo.message}`, {
        code: ffo.code,
        phase: record.phase,
        details: ffo.details,
      });
      await ctx.progress(true);
      return { status: 'failed', retry: null };
    } finally {
      forgetCopyRate(migrationId, record.vmName);
      await ctx.close();
    }
  }

  private async finishRollback(
    ctx: MigrationContext,
    final: 'cancelled' | 'rolled_back',
  ): Promise<RunOutcome> {
    const id = ctx.record.id;
    ctx.record.status = 'rolling_back';
    await this.store.update(id, { status: 'rolling_back', phase: 'rollback' });
    await ctx.event(
      'warning',
      'rollback.started',
      `${final === 'cancelled' ? 'cancelled: ' : ''}rolling back`,
    );
    try {
      const { removed, poweredOn } = await rollbackMigration(ctx);
      ctx.record.status = final;
      ctx.record.phase = final;
      await this.store.update(id, { status: final, phase: final });
      await this.store.stamp(id, ['finishedAt']);
      await ctx.event(
        'info',
        'rollback.finished',
        `rolled back: ${removed.length} resources removed${poweredOn ? ', source powered on' : ''}`,
        {
          removed,
          poweredOn,
        },
      );
      await ctx.progress(true);
      ctx.removeWorkDir();
      return { status: final, retry: null };
    } catch (error) {
      const ffo = isFfoError(error)
        ? error
        : new FfoError(ErrorCode.INTERNAL, String(error), { cause: error });
      await this.store.update(id, {
        status: 'failed',
        errorCode: ffo.code,
        errorMessage: `rollback: ${ffo.message}`,
      });
      await ctx.event('error', 'rollback.failed', `rollback failed: ${ffo.code}: ${ffo.message}`, {
        code: ffo.code,
      });
      await ctx.progress(true);
      return { status: 'failed', retry: null };
    }
  }
}
