import type { ChildProcess } from 'node:child_process';
import { FleetEventBus, type FleetEventMessage } from '../../../src/fleet/fleet-events.js';
import { FleetService } from '../../../src/fleet/fleet-service.js';
import { FleetStore } from '../../../src/fleet/fleet-store.js';
import { WavePlanner } from '../../../src/fleet/wave-planner.js';
import { DependencyService } from '../../../src/services/dependency-service.js';
import { FleetQueue } from '../../../src/queue/fleet-queue.js';
import { CLOUD, EngineLab } from './engine-lab.js';

/** The engine lab plus the fleet layer: planner and fleet service in this process, orchestrators in the workers. */
export class FleetLab extends EngineLab {
  planner!: WavePlanner;
  fleetStore!: FleetStore;
  fleetEvents!: FleetEventBus;
  fleetQueue!: FleetQueue;
  fleets!: FleetService;
  dependencies!: DependencyService;
  fleetLog: FleetEventMessage[] = [];
  private fleetWaiters: {
    test: (e: FleetEventMessage) => boolean;
    resolve: (e: FleetEventMessage) => void;
  }[] = [];
  private readonly stopFleetEvents = new AbortController();
  private quotaBefore: Record<string, number> | null = null;

  override async start(): Promise<void> {
    await super.start();
    this.planner = new WavePlanner(this.graph, this.planning, () => [CLOUD]);
    this.fleetStore = new FleetStore(this.graph);
    this.fleetEvents = new FleetEventBus(this.graph, this.pubsub);
    this.fleetQueue = new FleetQueue(this.connection, this.prefix);
    this.fleets = new FleetService(this.fleetStore, this.fleetEvents, this.bus, this.fleetQueue, () => [
      CLOUD,
    ]);
    this.dependencies = new DependencyService(this.graph);
    void (async () => {
      for await (const e of this.fleetEvents.events(null, this.stopFleetEvents.signal)) {
        this.fleetLog.push(e);
        for (const w of [...this.fleetWaiters]) {
          if (w.test(e)) {
            this.fleetWaiters.splice(this.fleetWaiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      }
    })().catch(() => undefined);
  }

  /** Workers that reconcile fleets every second and look at the cloud's quotas again after a second. */
  override startWorker(env: Record<string, string> = {}): Promise<ChildProcess> {
    return super.startWorker({
      FFO_FLEET_TICK_MS: '1000',
      FFO_FLEET_CAPACITY_REFRESH_MS: '1000',
      ...env,
    });
  }

  fleetEvent(test: (e: FleetEventMessage) => boolean): Promise<FleetEventMessage> {
    const seen = this.fleetLog.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.fleetWaiters.push({ test, resolve }));
  }

  /** Resolves when the fleet has ended (completed or cancelled) and returns its final status. */
  async fleetEnded(fleetId: string): Promise<string> {
    await this.fleetEvent(
      (e) => e.fleetId === fleetId && (e.kind === 'fleet.completed' || e.kind === 'fleet.cancelled'),
    );
    return (await this.fleetStore.get(fleetId)).status;
  }

  async projectId(): Promise<string> {
    return (await this.openstack.scope()).projectId;
  }

  /** Nova quota of the lab's migration project (limit and in use) for one resource. */
  async computeQuota(resource: string): Promise<{ limit: number; inUse: number }> {
    const detail = await this.openstack.getComputeQuotaDetail(await this.projectId());
    const line = detail[resource] as unknown as { limit: number; in_use: number };
    return { limit: line.limit, inUse: line.in_use };
  }

  /** Sets Nova quotas of the migration project (admin); the first call remembers what to restore. */
  async setComputeQuota(values: Record<string, number>): Promise<void> {
    const pid = await this.projectId();
    const detail = await this.openstack.getComputeQuotaDetail(pid);
    this.quotaBefore ??= {};
    for (const k of Object.keys(values)) {
      this.quotaBefore[k] ??= (detail[k] as unknown as { limit: number }).limit;
    }
    await this.openstack.request('compute', 'PUT', `/os-quota-sets/${pid}`, { json: { quota_set: values } });
  }

  override async stop(): Promise<void> {
    this.stopFleetEvents.abort();
    if (this.quotaBefore) {
      await this.openstack
        .request('compute', 'PUT', `/os-quota-sets/${await this.projectId()}`, {
          json: { quota_set: this.quotaBefore },
        })
        .catch(() => undefined);
    }
    await this.fleetQueue.close();
    await super.stop();
  }
}
