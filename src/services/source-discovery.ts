import { type AppConfig, vcenterCredentials } from '../config/app-config.js';
import { type DiscoveryCounts, redactUrl, writeInventory } from '../graph/discovery-writer.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { Inventory } from '../providers/vsphere/inventory-types.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import { DiscoveryRunRecorder } from './discovery-run-recorder.js';

/** Reads one vCenter's inventory with resolved credentials; implemented over our SOAP client. */
export type InventoryFetcher = (connection: {
  url: string;
  username: string;
  password: string;
  ca: string | null;
  insecure: boolean;
}) => Promise<Inventory>;

export interface DiscoveryResult extends DiscoveryCounts {
  runId: string;
  vcenterId: string;
  durationMs: number;
}

/** Discovery of a configured vCenter into the twin, as a run with progress events. */
export class SourceDiscovery {
  private readonly recorder: DiscoveryRunRecorder;

  constructor(
    private readonly graph: GraphClient,
    pubsub: RedisPubSub,
    private readonly config: AppConfig,
    private readonly fetchInventory: InventoryFetcher,
  ) {
    this.recorder = new DiscoveryRunRecorder(graph, pubsub, 'source');
  }

  /** Validates the vCenter name and its credentials, then records a queued run. Nothing else is touched. */
  async createRun(vcenterName: string): Promise<string> {
    vcenterCredentials(this.config, vcenterName);
    return this.recorder.queue(vcenterName);
  }

  /** Runs one discovery to the end; progress goes to Redis pub/sub, the outcome to the DiscoveryRun node. */
  async run(runId: string, vcenterName: string): Promise<DiscoveryResult> {
    const started = Date.now();
    const { endpoint, password, ca } = vcenterCredentials(this.config, vcenterName);
    const base = { runId, vmsTotal: null, vmsWritten: 0, message: null, done: false, errorCode: null };
    let vcenterId: string | null = null;
    return this.recorder.execute(
      runId,
      vcenterName,
      async () => {
        await this.recorder.progress({ ...base, phase: 'connecting', message: redactUrl(endpoint.url) });
        const inventory = await this.fetchInventory({
          url: endpoint.url,
          username: endpoint.username,
          password,
          ca,
          insecure: endpoint.insecure,
        });
        vcenterId = inventory.about.instanceUuid;
        await this.recorder.progress({
          ...base,
          phase: 'reading',
          vmsTotal: inventory.vms.length,
          message: 'inventory read',
        });
        let lastPublished = -1;
        const counts = await writeInventory(this.graph, endpoint, inventory, runId, (p) => {
          // Not awaited per batch (the recorder keeps order); the final event is awaited.
          if (p.vmsWritten !== lastPublished || p.phase === 'removing') {
            lastPublished = p.vmsWritten;
            void this.recorder.progress({
              ...base,
              phase: p.phase,
              vmsTotal: p.vmsTotal,
              vmsWritten: p.vmsWritten,
            });
          }
        });
        const result: DiscoveryResult = { runId, vcenterId, durationMs: Date.now() - started, ...counts };
        return {
          result,
          subjectId: vcenterId,
          counts,
          summary: `${counts.vmsAdded} added, ${counts.vmsUpdated} updated, ${counts.vmsUnchanged} unchanged, ${counts.vmsRemoved} removed`,
        };
      },
      () => vcenterId,
    );
  }
}
