import type { AppConfig } from '../config/app-config.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import { LibguestfsOsConverter } from './conversion/libguestfs-os-converter.js';
import type { EngineSettings } from './engine-settings.js';
import type { MigrationEventBus } from './migration-events.js';
import { MigrationRunner } from './migration-runner.js';
import type { MigrationStore } from './migration-store.js';
import { NbdDiskCopier } from './transfer/nbd-disk-copier.js';

/** The runner a worker uses on this host: nbdkit/nbdcopy copies and libguestfs conversion. */
export function createMigrationRunner(deps: {
  migrationStore: MigrationStore;
  migrationEvents: MigrationEventBus;
  pubsub: RedisPubSub;
  engineSettings: EngineSettings;
  config: AppConfig;
}): MigrationRunner {
  return new MigrationRunner(
    deps.migrationStore,
    deps.migrationEvents,
    deps.pubsub,
    deps.engineSettings,
    deps.config,
    {
      copier: new NbdDiskCopier(deps.engineSettings.rateBytesPerSecond),
      converter: new LibguestfsOsConverter(),
    },
  );
}
