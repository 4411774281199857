import { type AppConfig, loadConfig } from '../config/app-config.js';
import { loadLabEnv } from '../config/lab-env.js';
import { GraphClient } from '../graph/graph-client.js';
import { applyConstraints } from '../graph/schema-migrator.js';
import { RedisPubSub } from '../pubsub/redis-pubsub.js';
import { DiscoveryQueue } from '../queue/discovery-queue.js';
import { bullConnection } from '../queue/redis-connection.js';
import type { ApiServices } from '../api/api-context.js';
import { DependencyService } from '../services/dependency-service.js';
import { SourceDiscovery, type InventoryFetcher } from '../services/source-discovery.js';
import { fetchVSphereInventory } from '../services/vsphere-inventory-fetcher.js';
import { fetchOpenStackInventory } from '../services/openstack-inventory-fetcher.js';
import { MigrationPlanning } from '../services/migration-planning.js';
import { TargetDiscovery, type TargetInventoryFetcher } from '../services/target-discovery.js';
import type { Redis } from 'ioredis';
import { loadEngineSettings, type EngineSettings } from '../engine/engine-settings.js';
import { hostFactsProvider } from '../engine/host-facts.js';
import { MigrationEventBus } from '../engine/migration-events.js';
import { MigrationService } from '../engine/migration-service.js';
import { MigrationStore } from '../engine/migration-store.js';
import { MigrationQueue } from '../queue/migration-queue.js';
import { WavePlanner } from '../fleet/wave-planner.js';
import { FleetEventBus } from '../fleet/fleet-events.js';
import { FleetService } from '../fleet/fleet-service.js';
import { FleetStore } from '../fleet/fleet-store.js';
import { FleetQueue } from '../queue/fleet-queue.js';

/** Everything a process (API, worker, CLI, test) needs, opened once and closed once. */
export interface Runtime extends ApiServices {
  config: AppConfig;
  queueConnection: Redis;
  engineSettings: EngineSettings;
  migrationStore: MigrationStore;
  fleetStore: FleetStore;
  fleetEvents: FleetEventBus;
  fleetQueue: FleetQueue;
  close(): Promise<void>;
}

export async function openRuntime(
  options: {
    env?: NodeJS.ProcessEnv;
    fetchInventory?: InventoryFetcher;
    fetchTargetInventory?: TargetInventoryFetcher;
    migrate?: boolean;
  } = {},
): Promise<Runtime> {
  const env = options.env ?? process.env;
  loadLabEnv(env);
  const config = loadConfig(env);
  const graph = new GraphClient(config.graph);
  await graph.verify();
  if (options.migrate !== false) await applyConstraints(graph);
  const pubsub = new RedisPubSub(config.redisUrl);
  const queueConnection = bullConnection(config.redisUrl);
  const discoveryQueue = new DiscoveryQueue(queueConnection);
  const discovery = new SourceDiscovery(
    graph,
    pubsub,
    config,
    options.fetchInventory ?? fetchVSphereInventory,
  );
  const targetDiscovery = new TargetDiscovery(
    graph,
    pubsub,
    config,
    options.fetchTargetInventory ?? fetchOpenStackInventory,
  );
  const engineSettings = loadEngineSettings(env);
  const planning = new MigrationPlanning(graph, config);
  const migrationStore = new MigrationStore(graph);
  const migrationEvents = new MigrationEventBus(graph, pubsub);
  const migrationQueue = new MigrationQueue(queueConnection);
  const migrations = new MigrationService(
    graph,
    planning,
    migrationStore,
    migrationEvents,
    migrationQueue,
    engineSettings,
    hostFactsProvider(engineSettings),
    [...config.clouds.keys()],
  );
  const wavePlanner = new WavePlanner(graph, planning, () => [...config.clouds.keys()]);
  const fleetStore = new FleetStore(graph);
  const fleetEvents = new FleetEventBus(graph, pubsub);
  const fleetQueue = new FleetQueue(queueConnection);
  const fleets = new FleetService(fleetStore, fleetEvents, migrationEvents, fleetQueue, () => [
    ...config.clouds.keys(),
  ]);
  return {
    config,
    wavePlanner,
    fleets,
    fleetStore,
    fleetEvents,
    fleetQueue,
    engineSettings,
    migrationStore,
    migrationEvents,
    migrationQueue,
    migrations,
    graph,
    pubsub,
    queueConnection,
    discoveryQueue,
    discovery,
    targetDiscovery,
    planning,
    dependencies: new DependencyService(graph),
    close: async () => {
      await discoveryQueue.close();
      await migrationQueue.close();
      await fleetQueue.close();
      await pubsub.close();
      await queueConnection.quit().catch(() => undefined);
      await graph.close();
    },
  };
}
