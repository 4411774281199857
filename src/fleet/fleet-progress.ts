import type { MigrationEventBus, MigrationProgress } from '../engine/migration-events.js';
import type { FleetItem, FleetRecord } from './fleet-types.js';

export interface CountByKey {
  key: string;
  count: number;
}

export interface WaveProgress {
  index: number;
  vms: number;
  byState: CountByKey[];
  bytesDone: number;
  bytesTotal: number;
  rateBytesPerSecond: number | null;
  etaSeconds: number | null;
}

export interface FleetProgress {
  fleetId: string;
  name: string;
  status: string;
  statusReason: string | null;
  currentWave: number | null;
  waveCount: number;
  vms: number;
  byState: CountByKey[];
  /** Engine phase of the VMs in flight. */
  byPhase: CountByKey[];
  bytesDone: number;
  bytesTotal: number;
  rateBytesPerSecond: number | null;
  etaSeconds: number | null;
  waves: WaveProgress[];
  held: { vm: string; reason: string }[];
  blocked: { vm: string; reason: string }[];
  at: string;
  done: boolean;
}

const counts = (values: string[]): CountByKey[] => {
  const map = new Map<string, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => a.key.localeCompare(b.key));
};

const WILL_NOT_MOVE = new Set(['skipped', 'blocked', 'rolled_back', 'cancelled']);

/**
 * Fleet-wide figures from the items and their migrations' last progress. Bytes count provisioned disk bytes (a
 * completed VM counts whole, one that will not move counts as nothing to do). The rate is what is moving now,
 * else the fleet's average so far; the ETA is what is left over that rate.
 */
export function fleetProgress(
  fleet: FleetRecord,
  items: readonly FleetItem[],
  migrationProgress: ReadonlyMap<string, MigrationProgress>,
  now: Date = new Date(),
): FleetProgress {
  const done = (i: FleetItem): number => {
    if (i.state === 'completed') return i.bytesTotal;
    const p = i.migrationId ? migrationProgress.get(i.migrationId) : undefined;
    return p && (i.state === 'running' || i.state === 'releasing') ? Math.min(p.bytesDone, i.bytesTotal) : 0;
  };
  const total = (i: FleetItem): number => (WILL_NOT_MOVE.has(i.state) ? 0 : i.bytesTotal);
  const rateOf = (list: readonly FleetItem[]): number =>
    list.reduce((sum, i) => {
      const p = i.migrationId ? migrationProgress.get(i.migrationId) : undefined;
      return sum + (i.state === 'running' && p && !p.done ? (p.rateBytesPerSecond ?? 0) : 0);
    }, 0);
  const elapsed = Math.max(1, (now.getTime() - new Date(fleet.createdAt).getTime()) / 1000);
  const summarize = (list: readonly FleetItem[]) => {
    const bytesDone = list.reduce((s, i) => s + done(i), 0);
    const bytesTotal = list.reduce((s, i) => s + total(i), 0);
    const live = rateOf(list);
    const completedBytes = list.filter((i) => i.state === 'completed').reduce((s, i) => s + i.bytesTotal, 0);
    const rate = live > 0 ? live : completedBytes > 0 ? completedBytes / elapsed : null;
    const left = Math.max(0, bytesTotal - bytesDone);
    return {
      bytesDone,
      bytesTotal,
      rateBytesPerSecond: rate,
      etaSeconds: left === 0 ? 0 : rate ? Math.round(left / rate) : null,
    };
  };
  const waves = [...new Set(items.map((i) => i.wave))]
    .sort((a, b) => a - b)
    .map((index) => {
      const list = items.filter((i) => i.wave === index);
      return { index, vms: list.length, byState: counts(list.map((i) => i.state)), ...summarize(list) };
    });
  const finished = fleet.status === 'completed' || fleet.status === 'cancelled';
  return {
    fleetId: fleet.id,
    name: fleet.name,
    status: fleet.status,
    statusReason: fleet.statusReason,
    currentWave: fleet.currentWave,
    waveCount: fleet.waveCount,
    vms: items.length,
    byState: counts(items.map((i) => i.state)),
    byPhase: counts(
      items
        .filter((i) => i.state === 'running' || i.state === 'releasing')
        .map((i) => i.migrationPhase ?? 'queued'),
    ),
    ...summarize(items),
    waves,
    held: items.filter((i) => i.state === 'held').map((i) => ({ vm: i.vmName, reason: i.reason ?? '' })),
    blocked: items
      .filter((i) => i.state === 'blocked')
      .map((i) => ({ vm: i.vmName, reason: i.reason ?? '' })),
    at: now.toISOString(),
    done: finished,
  };
}

/** The last-known progress of every migration the fleet has in flight (what fleetProgress needs). */
export async function inFlightSnapshots(
  items: readonly FleetItem[],
  bus: Pick<MigrationEventBus, 'lastProgress'>,
): Promise<Map<string, MigrationProgress>> {
  const snapshots = new Map<string, MigrationProgress>();
  await Promise.all(
    items
      .filter((i) => i.migrationId && (i.state === 'running' || i.state === 'releasing'))
      .map(async (i) => {
        const p = await bus.lastProgress(i.migrationId!);
        if (p) snapshots.set(i.migrationId!, p);
      }),
  );
  return snapshots;
}
