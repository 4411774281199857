import type { Principal } from '../auth/jwt-auth.js';
import { AutoCommitExecution } from '../graph/auto-commit-execution.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import type { DiscoveryQueue } from '../queue/discovery-queue.js';
import type { DependencyService } from '../services/dependency-service.js';
import type { MigrationPlanning } from '../services/migration-planning.js';
import type { SourceDiscovery } from '../services/source-discovery.js';
import type { TargetDiscovery } from '../services/target-discovery.js';
import type { MigrationEventBus } from '../engine/migration-events.js';
import type { MigrationService } from '../engine/migration-service.js';
import type { MigrationQueue } from '../queue/migration-queue.js';
import type { WavePlanner } from '../fleet/wave-planner.js';
import type { FleetService } from '../fleet/fleet-service.js';

/** Long-lived services shared by every request. */
export interface ApiServices {
  graph: GraphClient;
  pubsub: RedisPubSub;
  dependencies: DependencyService;
  discovery: SourceDiscovery;
  targetDiscovery: TargetDiscovery;
  discoveryQueue: DiscoveryQueue;
  planning: MigrationPlanning;
  migrations: MigrationService;
  migrationEvents: MigrationEventBus;
  migrationQueue: MigrationQueue;
  wavePlanner: WavePlanner;
  fleets: FleetService;
}

/**
 * Per-request context; `jwt` is what @neo4j/graphql reads for its own authorization features, `executionContext`
 * where it runs its generated Cypher.
 */
export interface ApiContext {
  principal: Principal;
  jwt: Record<string, unknown>;
  services: ApiServices;
  executionContext: AutoCommitExecution;
}

const executions = new WeakMap<GraphClient, AutoCommitExecution>();

/** The context of one GraphQL operation (over HTTP, graphql-ws or from an MCP tool) for a signed-in principal. */
export function apiContext(principal: Principal, services: ApiServices): ApiContext {
  let execution = executions.get(services.graph);
  if (!execution) {
    execution = new AutoCommitExecution(
      services.graph.driver,
      services.graph.database ? { database: services.graph.database } : {},
    );
    executions.set(services.graph, execution);
  }
  return { principal, jwt: principal.claims, services, executionContext: execution };
}
