import type { MigrationOptionsInput } from '../engine/migration-options.js';

export type FailurePolicy = 'retry' | 'skip' | 'rollback' | 'pause';

export type FleetStatus = 'running' | 'paused' | 'cancelling' | 'cancelled' | 'completed';

/**
 * An item's life: pending → (held) → releasing → running → completed; on failure by policy retry_wait → running,
 * skipped, rolling_back → rolled_back, or failed (the fleet pauses). blocked = a dependency will not migrate.
 */
export type ItemState =
  | 'pending'
  | 'held'
  | 'releasing'
  | 'running'
  | 'retry_wait'
  | 'rolling_back'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'blocked'
  | 'rolled_back'
  | 'cancelled';

/** States in which the item holds a release slot (it counts against every in-flight limit). */
export const IN_FLIGHT: readonly ItemState[] = ['releasing', 'running', 'retry_wait', 'rolling_back'];

/** States that let the next wave begin ("completed, or skipped by policy"). */
export const SETTLED: readonly ItemState[] = ['completed', 'skipped', 'blocked', 'rolled_back', 'cancelled'];

export interface FleetOptions {
  cloud: string;
  project: string | null;
  /** Migrations in flight across the fleet. */
  concurrency: number;
  perHostLimit: number | null;
  perDatastoreLimit: number | null;
  failurePolicy: FailurePolicy;
  /** RETRY: attempts after the first before the fleet pauses on the VM. */
  maxRetries: number;
  /** RETRY: first back-off; doubles per attempt. */
  retryBackoffSeconds: number;
  /** Hold VMs that do not fit the target's quota minus usage / hypervisor capacity (on by default). */
  respectCapacity: boolean;
  /** Passed to every Layer 1 migration (mode, cutover, conversion, ...). */
  migration: MigrationOptionsInput;
}

export interface FleetItem {
  id: string;
  fleetId: string;
  vmId: string;
  vmName: string;
  wave: number;
  moveGroup: string | null;
  host: string | null;
  datastores: string[];
  state: ItemState;
  reason: string | null;
  attempts: number;
  migrationId: string | null;
  releasedAt: string | null;
  finishedAt: string | null;
  /** ISO time a retry is due (retry_wait). */
  nextAttemptAt: string | null;
  bytesTotal: number;
  /** Joined from the item's migration. */
  migrationStatus: string | null;
  migrationPhase: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface FleetRecord {
  id: string;
  planId: string;
  name: string;
  status: FleetStatus;
  options: FleetOptions;
  waveCount: number;
  currentWave: number | null;
  statusReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  orchestrator: string | null;
}
