import type { MigrationEventBus } from '../engine/migration-events.js';
import type { MigrationService } from '../engine/migration-service.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import type { MigrationPlanning } from '../services/migration-planning.js';
import type { TargetDiscovery } from '../services/target-discovery.js';
import { CapacityGate } from './capacity-gate.js';
import type { FleetEventBus } from './fleet-events.js';
import { FleetOrchestrator } from './fleet-orchestrator.js';
import { loadFleetSettings } from './fleet-settings.js';
import type { FleetStore } from './fleet-store.js';

/** The orchestrator `ffo worker` runs for `fleet` jobs, from a process's runtime. */
export function createFleetOrchestrator(
  deps: {
    fleetStore: FleetStore;
    fleetEvents: FleetEventBus;
    migrations: MigrationService;
    migrationEvents: MigrationEventBus;
    planning: MigrationPlanning;
    targetDiscovery: TargetDiscovery;
    pubsub: RedisPubSub;
  },
  env: NodeJS.ProcessEnv = process.env,
): FleetOrchestrator {
  const settings = loadFleetSettings(env);
  return new FleetOrchestrator(
    deps.fleetStore,
    deps.fleetEvents,
    deps.migrations,
    deps.migrationEvents,
    new CapacityGate(deps.planning, deps.targetDiscovery, settings.capacityRefreshMs),
    deps.pubsub,
    { tickMs: settings.tickMs },
  );
}
