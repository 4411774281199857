import { createLogger, type LogLevel } from './logger.js';
import { processMetrics } from './process-metrics.js';

// Structural shapes of the engine's and the orchestrator's events: observability depends on nothing of theirs.
interface ObservedMigrationEvent {
  migrationId: string;
  vmId: string | null;
  vmName: string;
  phase: string;
  level: 'info' | 'warning' | 'error';
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

interface ObservedFleetEvent {
  fleetId: string;
  kind: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  vmName: string | null;
  wave: number | null;
  data: Record<string, unknown> | null;
}

const migrationLog = createLogger('engine');
const fleetLog = createLogger('fleet');

const logLevelOf = (level: 'info' | 'warning' | 'error'): LogLevel => (level === 'warning' ? 'warn' : level);

const number = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** Run outcomes by the event that ends a run (a rollback's final state is the phase it records). */
function outcomeOf(event: ObservedMigrationEvent): string | null {
  switch (event.kind) {
    case 'migration.completed':
      return 'completed';
    case 'migration.failed':
      return 'failed';
    case 'migration.retrying':
      return 'retrying';
    case 'rollback.finished':
      return event.phase === 'cancelled' ? 'cancelled' : 'rolled_back';
    case 'rollback.failed':
      return 'rollback_failed';
    default:
      return null;
  }
}

/** Every migration event becomes a log line (with its migration and VM ids) and feeds the engine's metrics. */
export function observeMigrationEvent(event: ObservedMigrationEvent): void {
  migrationLog[logLevelOf(event.level)](event.message, {
    migrationId: event.migrationId,
    vmId: event.vmId,
    vm: event.vmName,
    phase: event.phase,
    kind: event.kind,
    ...(event.data ? { data: event.data } : {}),
  });
  const metrics = processMetrics();
  const bytes = number(event.data?.bytes);
  if (event.kind === 'chunk.copied' && bytes !== null) metrics.bytesCopied.inc({ pipeline: 'nbd' }, bytes);
  if (event.kind === 'disk.downloaded' && bytes !== null)
    metrics.bytesCopied.inc({ pipeline: 'http' }, bytes);
  const seconds = number(event.data?.seconds);
  if (event.kind === 'phase.finished' && seconds !== null) {
    metrics.phaseDuration.observe({ phase: event.phase }, seconds);
  }
  const outcome = outcomeOf(event);
  if (outcome) metrics.runsFinished.inc({ outcome });
}

/** The copy rate a running migration reports with its progress; null rate or a finished run removes it. */
export function observeCopyRate(
  migrationId: string,
  vmName: string,
  rateBytesPerSecond: number | null,
  done: boolean,
): void {
  const { copyRate } = processMetrics();
  const labels = { migration_id: migrationId, vm: vmName };
  if (done) copyRate.remove(labels);
  else if (rateBytesPerSecond !== null) copyRate.set(labels, rateBytesPerSecond);
}

/** Ends the copy-rate series of a run that stopped (finished, failed, handed back) in this process. */
export function forgetCopyRate(migrationId: string, vmName: string): void {
  processMetrics().copyRate.remove({ migration_id: migrationId, vm: vmName });
}

export function observeFleetEvent(event: ObservedFleetEvent): void {
  fleetLog[logLevelOf(event.level)](event.message, {
    fleetId: event.fleetId,
    kind: event.kind,
    ...(event.vmName ? { vm: event.vmName } : {}),
    ...(event.wave !== null ? { wave: event.wave } : {}),
    ...(event.data ? { data: event.data } : {}),
  });
}
