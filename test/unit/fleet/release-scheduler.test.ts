import { describe, expect, it } from '@jest/globals';
import type { FleetItem, ItemState } from '../../../src/fleet/fleet-types.js';
import { planReleases, retryDelaySeconds, type CapacityView } from '../../../src/fleet/release-scheduler.js';

let n = 0;
function item(wave: number, state: ItemState, extra: Partial<FleetItem> = {}): FleetItem {
  n += 1;
  const name = extra.vmName ?? `vm-${String(n).padStart(3, '0')}`;
  return {
    id: `f/${name}`,
    fleetId: 'f',
    vmId: name,
    vmName: name,
    wave,
    moveGroup: null,
    host: 'esx-1',
    datastores: ['ds-1'],
    state,
    reason: null,
    attempts: 0,
    migrationId: null,
    releasedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    bytesTotal: 1000,
    migrationStatus: null,
    migrationPhase: null,
    errorCode: null,
    errorMessage: null,
    ...extra,
  };
}
const names = (list: FleetItem[]) => list.map((i) => i.vmName);
const unlimited = { concurrency: 100, perHostLimit: null, perDatastoreLimit: null };

describe('planReleases', () => {
  it('releases only the lowest unsettled wave, and nothing of the next while one VM is still running', () => {
    const items = [
      item(1, 'completed'),
      item(1, 'running', { vmName: 'a-running' }),
      item(2, 'pending', { vmName: 'b-next' }),
    ];
    const plan = planReleases(items, unlimited, null);
    expect(plan.currentWave).toBe(1);
    expect(plan.release).toEqual([]);
    expect(plan.inFlight).toBe(1);
  });

  it('moves to the next wave once every VM of the wave is completed, skipped or blocked', () => {
    const items = [
      item(1, 'completed'),
      item(1, 'skipped'),
      item(1, 'blocked'),
      item(2, 'pending', { vmName: 'b1' }),
      item(3, 'pending', { vmName: 'c1' }),
    ];
    const plan = planReleases(items, unlimited, null);
    expect(plan.currentWave).toBe(2);
    expect(names(plan.release)).toEqual(['b1']);
  });

  it('a failed VM keeps its wave open (the fleet pauses on it)', () => {
    const plan = planReleases([item(1, 'failed'), item(2, 'pending')], unlimited, null);
    expect(plan.currentWave).toBe(1);
    expect(plan.release).toEqual([]);
    expect(plan.done).toBe(false);
  });

  it('is done when everything is settled', () => {
    const plan = planReleases(
      [item(1, 'completed'), item(2, 'rolled_back'), item(2, 'cancelled')],
      unlimited,
      null,
    );
    expect(plan.done).toBe(true);
    expect(plan.currentWave).toBeNull();
  });

  it('never exceeds the global, per-host and per-datastore limits, counting what is in flight', () => {
    const items = [
      item(1, 'running', { vmName: 'r1', host: 'h1', datastores: ['d1'] }),
      item(1, 'pending', { vmName: 'p1', host: 'h1', datastores: ['d2'] }),
      item(1, 'pending', { vmName: 'p2', host: 'h2', datastores: ['d1'] }),
      item(1, 'pending', { vmName: 'p3', host: 'h2', datastores: ['d2'] }),
      item(1, 'pending', { vmName: 'p4', host: 'h3', datastores: ['d3', 'd3'] }),
      item(1, 'pending', { vmName: 'p5', host: 'h3', datastores: ['d3'] }),
    ];
    const plan = planReleases(items, { concurrency: 3, perHostLimit: 1, perDatastoreLimit: 1 }, null);
    // r1 holds h1 and d1: p1 (h1) and p2 (d1) wait; p3 takes h2/d2; p4 takes h3/d3; then the global limit of 3.
    expect(names(plan.release)).toEqual(['p3', 'p4']);
    const global = planReleases(items, { concurrency: 2, perHostLimit: null, perDatastoreLimit: null }, null);
    expect(names(global.release)).toEqual(['p1']);
  });

  it('keeps move-group mates next to each other in release order', () => {
    const items = [
      item(1, 'pending', { vmName: 'a', moveGroup: 'mg-z' }),
      item(1, 'pending', { vmName: 'm' }),
      item(1, 'pending', { vmName: 'b', moveGroup: 'mg-z' }),
    ];
    expect(names(planReleases(items, unlimited, null).release)).toEqual(['m', 'a', 'b']);
  });

  it('holds (never fails) a VM the target cannot take, reserving capacity for what is in flight', () => {
    const demand = { instances: 1, cores: 2, ramMB: 2048, volumes: 1, gigabytes: 10, ports: 1 };
    const capacity: CapacityView = {
      headroom: { instances: 10, cores: 5, ramMB: null, volumes: null, gigabytes: null, ports: null },
      demandOf: () => demand,
    };
    const items = [
      item(1, 'running', { vmName: 'r1' }),
      item(1, 'pending', { vmName: 'p1' }),
      item(1, 'held', { vmName: 'p2', reason: 'old' }),
    ];
    const plan = planReleases(items, unlimited, capacity);
    // 5 cores - 2 in flight = 3: p1 fits (1 left), p2 does not.
    expect(names(plan.release)).toEqual(['p1']);
    expect(plan.hold).toEqual([
      {
        item: expect.objectContaining({ vmName: 'p2' }),
        reason: 'waiting for target capacity: needs 2 cores (1 free)',
      },
    ]);
    // After a quota raise the held VM is released.
    const raised = planReleases(items, unlimited, {
      ...capacity,
      headroom: { ...capacity.headroom, cores: 6 },
    });
    expect(names(raised.release)).toEqual(['p1', 'p2']);
    expect(raised.hold).toEqual([]);
  });

  it('backs retries off exponentially with a cap', () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(5, a))).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(600, 10)).toBe(3600);
  });
});
