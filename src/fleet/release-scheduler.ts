import type { Demand } from './wave-packer.js';
import { IN_FLIGHT, SETTLED, type FleetItem, type FleetOptions } from './fleet-types.js';

type DemandKey = keyof Demand;

/** What the target can still take (null = unlimited) and what each VM needs there (null = no flavor). */
export interface CapacityView {
  headroom: Record<DemandKey, number | null>;
  demandOf(vmId: string): Demand | null;
}

export interface ReleasePlan {
  /** The lowest wave with an item that is not settled; null when the fleet is done. */
  currentWave: number | null;
  release: FleetItem[];
  /** VMs of the current wave the target cannot take now (held, never failed). */
  hold: { item: FleetItem; reason: string }[];
  /** Every item settled (completed, skipped, blocked, rolled back, cancelled). */
  done: boolean;
  /** Items in flight (they count against every limit). */
  inFlight: number;
}

const LABEL: Record<DemandKey, string> = {
  instances: 'instances',
  cores: 'cores',
  ramMB: 'RAM MB',
  volumes: 'volumes',
  gigabytes: 'volume GB',
  ports: 'ports',
};

/**
 * Which VMs to release now. Wave k+1 begins only when wave k is settled. The global, per-host and per-datastore
 * in-flight limits are never exceeded. Capacity is reserved for everything in flight as if it had consumed nothing
 * yet (quota usage may already include part of it): that can hold a VM a little early, never over-provision.
 */
export function planReleases(
  items: readonly FleetItem[],
  options: Pick<FleetOptions, 'concurrency' | 'perHostLimit' | 'perDatastoreLimit'>,
  capacity: CapacityView | null,
): ReleasePlan {
  const unsettled = items.filter((i) => !SETTLED.includes(i.state));
  const inFlight = items.filter((i) => IN_FLIGHT.includes(i.state));
  if (unsettled.length === 0) return { currentWave: null, release: [], hold: [], done: true, inFlight: 0 };
  const currentWave = Math.min(...unsettled.map((i) => i.wave));

  const perHost = new Map<string, number>();
  const perDatastore = new Map<string, number>();
  const remaining = capacity ? { ...capacity.headroom } : null;
  const take = (item: FleetItem) => {
    if (item.host) perHost.set(item.host, (perHost.get(item.host) ?? 0) + 1);
    for (const ds of new Set(item.datastores)) perDatastore.set(ds, (perDatastore.get(ds) ?? 0) + 1);
    const demand = capacity?.demandOf(item.vmId);
    if (remaining && demand) {
      for (const key of Object.keys(remaining) as DemandKey[]) {
        const left = remaining[key];
        if (left !== null) remaining[key] = left - demand[key];
      }
    }
  };
  inFlight.forEach(take);

  let slots = options.concurrency - inFlight.length;
  const release: FleetItem[] = [];
  const hold: { item: FleetItem; reason: string }[] = [];
  // Move-group mates next to each other, then by name: the order is stable across orchestrator restarts.
  const candidates = items
    .filter((i) => i.wave === currentWave && (i.state === 'pending' || i.state === 'held'))
    .sort(
      (a, b) =>
        (a.moveGroup ?? a.vmName).localeCompare(b.moveGroup ?? b.vmName) || a.vmName.localeCompare(b.vmName),
    );
  for (const item of candidates) {
    if (slots <= 0) break;
    if (options.perHostLimit && item.host && (perHost.get(item.host) ?? 0) >= options.perHostLimit) continue;
    if (
      options.perDatastoreLimit &&
      [...new Set(item.datastores)].some((ds) => (perDatastore.get(ds) ?? 0) >= options.perDatastoreLimit!)
    )
      continue;
    const demand = capacity?.demandOf(item.vmId) ?? null;
    if (remaining && demand) {
      const short = (Object.keys(remaining) as DemandKey[]).filter((key) => {
        const left = remaining[key];
        return left !== null && demand[key] > left;
      });
      if (short.length > 0) {
        const reason =
          'waiting for target capacity: needs ' +
          short
            .map((key) => `${demand[key]} ${LABEL[key]} (${Math.max(0, remaining[key]!)} free)`)
            .join(', ');
        hold.push({ item, reason });
        continue;
      }
    }
    take(item);
    release.push(item);
    slots -= 1;
  }
  return { currentWave, release, hold, done: false, inFlight: inFlight.length };
}

/** Retry back-off: the first delay, doubled per attempt already made, capped at an hour. */
export function retryDelaySeconds(firstSeconds: number, attemptsMade: number): number {
  return Math.min(3600, firstSeconds * 2 ** Math.max(0, attemptsMade - 1));
}
