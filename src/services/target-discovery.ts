import { type AppConfig, type CloudEndpoint, cloudCredentials } from '../config/app-config.js';
import type { GraphClient } from '../graph/graph-client.js';
import { type TargetCounts, writeTargetInventory } from '../graph/target-writer.js';
import type { TargetInventory } from '../providers/openstack/target-inventory-types.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import { DiscoveryRunRecorder } from './discovery-run-recorder.js';

/** Reads one cloud's inventory with resolved credentials; implemented over our OpenStack client. */
export type TargetInventoryFetcher = (connection: {
  endpoint: CloudEndpoint;
  password: string;
  ca: string | null;
}) => Promise<TargetInventory>;

export interface TargetDiscoveryResult extends TargetCounts {
  runId: string;
  cloud: string;
}

/** Discovery of a configured OpenStack cloud (as its configured project sees it) into the twin. */
export class TargetDiscovery {
  private readonly recorder: DiscoveryRunRecorder;

  constructor(
    private readonly graph: GraphClient,
    pubsub: RedisPubSub,
    private readonly config: AppConfig,
    private readonly fetchInventory: TargetInventoryFetcher,
  ) {
    this.recorder = new DiscoveryRunRecorder(graph, pubsub, 'target');
  }

  async createRun(cloud: string): Promise<string> {
    cloudCredentials(this.config, cloud);
    return this.recorder.queue(cloud);
  }

  async run(runId: string, cloud: string): Promise<TargetDiscoveryResult> {
    const credentials = cloudCredentials(this.config, cloud);
    const base = { runId, vmsTotal: null, vmsWritten: 0, message: null, done: false, errorCode: null };
    let reached = false;
    return this.recorder.execute(
      runId,
      cloud,
      async () => {
        await this.recorder.progress({ ...base, phase: 'connecting', message: credentials.endpoint.authUrl });
        const inventory = await this.fetchInventory(credentials);
        await this.recorder.progress({ ...base, phase: 'writing', message: 'inventory read' });
        const counts = await writeTargetInventory(this.graph, cloud, inventory, runId);
        reached = true;
        return {
          result: { runId, cloud, ...counts },
          subjectId: cloud,
          counts: {
            vmsTotal: null,
            vmsAdded: null,
            vmsUpdated: null,
            vmsUnchanged: null,
            vmsRemoved: null,
            objectsTotal:
              counts.flavors +
              counts.networks +
              counts.subnets +
              counts.ports +
              counts.volumeTypes +
              counts.images,
          },
          summary: `${counts.flavors} flavors, ${counts.networks} networks, ${counts.subnets} subnets, ${counts.ports} ports, ${counts.volumeTypes} volume types, ${counts.images} images, ${counts.quotas} quotas`,
        };
      },
      () => (reached ? cloud : null),
    );
  }
}
