import { positive } from '../engine/engine-settings.js';

export interface FleetSettings {
  /** FFO_FLEET_TICK_MS: the orchestrator reconciles at least this often (back-offs, holds, progress). */
  tickMs: number;
  /** FFO_FLEET_CAPACITY_REFRESH_MS: how stale the target's quotas may be when a release is decided. */
  capacityRefreshMs: number;
}

export function loadFleetSettings(env: NodeJS.ProcessEnv = process.env): FleetSettings {
  return {
    tickMs: positive(env, 'FFO_FLEET_TICK_MS', 5000),
    capacityRefreshMs: positive(env, 'FFO_FLEET_CAPACITY_REFRESH_MS', 30_000),
  };
}
