export const DISCOVERY_QUEUE = 'discovery';

export interface DiscoveryJobData {
  runId: string;
  /** source = a vCenter, target = an OpenStack cloud */
  side: 'source' | 'target';
  /** configured name of the vCenter or cloud */
  name: string;
}

/** Redis key prefix of all our queues; tests use a unique one so they never see each other's jobs. */
export const queuePrefix = (env: NodeJS.ProcessEnv = process.env): string => env.FFO_QUEUE_PREFIX ?? 'ffo';

export const MIGRATION_QUEUE = 'migrate-vm';

export interface MigrationJobData {
  migrationId: string;
  /** run = drive the phases (start, retry, resume); rollback = remove what it made. */
  action: 'run' | 'rollback';
}

export const FLEET_QUEUE = 'fleet';

export interface FleetJobData {
  fleetId: string;
}
