import type { MigrationPlanning } from '../services/migration-planning.js';
import type { TargetDiscovery } from '../services/target-discovery.js';
import type { FleetItem, FleetOptions } from './fleet-types.js';
import type { CapacityView } from './release-scheduler.js';
import type { Demand } from './wave-packer.js';

/**
 * The target's capacity as the release scheduler needs it. Quotas and usage come from the twin, refreshed from
 * the cloud (a target discovery) when a wave begins and, while a VM is held, at most every `refreshMs`, so a
 * quota raise in OpenStack is seen without anyone rediscovering by hand. Within a wave the scheduler reserves
 * what is in flight, so a stale-by-seconds twin cannot make it over-provision.
 */
export class CapacityGate {
  private refreshedAt = new Map<string, number>();
  private refreshedForWave = new Map<string, string>();

  constructor(
    private readonly planning: MigrationPlanning,
    private readonly targetDiscovery: TargetDiscovery | null,
    private readonly refreshMs: number,
  ) {}

  async view(
    fleetId: string,
    wave: number,
    options: FleetOptions,
    items: readonly FleetItem[],
  ): Promise<CapacityView | null> {
    if (!options.respectCapacity) return null;
    const key = `${fleetId}/${wave}`;
    if (this.refreshedForWave.get(fleetId) !== key) {
      await this.refresh(options.cloud);
      this.refreshedForWave.set(fleetId, key);
    }
    const scope = await this.planning.scope(options.cloud, options.project);
    const [headroom, demands] = await Promise.all([
      this.planning.capacity.headroom(scope),
      this.planning.capacity.demands(
        items.map((i) => i.vmId),
        scope,
      ),
    ]);
    return {
      headroom,
      demandOf: (vmId: string): Demand | null => demands.get(vmId) ?? null,
    };
  }

  /** Rediscovers the cloud when the last look is older than `refreshMs`; true when it did. */
  async refreshIfDue(cloud: string): Promise<boolean> {
    if (!this.targetDiscovery) return false;
    if (Date.now() - (this.refreshedAt.get(cloud) ?? 0) < this.refreshMs) return false;
    await this.refresh(cloud);
    return true;
  }

  private async refresh(cloud: string): Promise<void> {
    if (!this.targetDiscovery) return;
    this.refreshedAt.set(cloud, Date.now());
    await this.targetDiscovery.run(await this.targetDiscovery.createRun(cloud), cloud);
  }
}
