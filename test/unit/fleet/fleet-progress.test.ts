import { describe, expect, it } from '@jest/globals';
import type { MigrationProgress } from '../../../src/engine/migration-events.js';
import { fleetProgress } from '../../../src/fleet/fleet-progress.js';
import type { FleetItem, FleetRecord, ItemState } from '../../../src/fleet/fleet-types.js';

const GiB = 2 ** 30;
const fleet: FleetRecord = {
  id: 'f1',
  planId: 'p1',
  name: 'demo v1',
  status: 'running',
  options: {} as FleetRecord['options'],
  waveCount: 2,
  currentWave: 1,
  statusReason: null,
  createdAt: '2026-12-03T10:00:00.000Z',
  finishedAt: null,
  orchestrator: null,
};
const item = (
  vmName: string,
  wave: number,
  state: ItemState,
  migrationId: string | null = null,
): FleetItem => ({
  id: `f1/${vmName}`,
  fleetId: 'f1',
  vmId: vmName,
  vmName,
  wave,
  moveGroup: null,
  host: null,
  datastores: [],
  state,
  reason: state === 'held' ? 'waiting for target capacity' : null,
  attempts: 0,
  migrationId,
  releasedAt: null,
  finishedAt: null,
  nextAttemptAt: null,
  bytesTotal: 10 * GiB,
  migrationStatus: null,
  migrationPhase: state === 'running' ? 'copy' : null,
  errorCode: null,
  errorMessage: null,
});
const running: MigrationProgress = {
  migrationId: 'm2',
  status: 'running',
  phase: 'copy',
  round: null,
  disks: [],
  bytesDone: 4 * GiB,
  bytesTotal: 10 * GiB,
  rateBytesPerSecond: 100 * 2 ** 20,
  etaSeconds: 61,
  at: '2026-12-03T10:05:00.000Z',
  done: false,
};

describe('fleetProgress', () => {
  it('sums bytes per wave and fleet, takes the live rate, and gives the ETA of what is left', () => {
    const items = [
      item('a', 1, 'completed', 'm1'),
      item('b', 1, 'running', 'm2'),
      item('c', 2, 'pending'),
      item('d', 2, 'held'),
      item('e', 2, 'blocked'),
    ];
    const p = fleetProgress(fleet, items, new Map([['m2', running]]), new Date('2026-12-03T10:05:00Z'));
    expect(p.bytesDone).toBe(14 * GiB);
    // e will not move: its bytes are nothing left to do.
    expect(p.bytesTotal).toBe(40 * GiB);
    expect(p.rateBytesPerSecond).toBe(100 * 2 ** 20);
    expect(p.etaSeconds).toBe(Math.round((26 * GiB) / (100 * 2 ** 20)));
    expect(p.waves.map((w) => [w.index, w.bytesDone, w.bytesTotal])).toEqual([
      [1, 14 * GiB, 20 * GiB],
      [2, 0, 20 * GiB],
    ]);
    expect(p.byState).toEqual([
      { key: 'blocked', count: 1 },
      { key: 'completed', count: 1 },
      { key: 'held', count: 1 },
      { key: 'pending', count: 1 },
      { key: 'running', count: 1 },
    ]);
    expect(p.byPhase).toEqual([{ key: 'copy', count: 1 }]);
    expect(p.held).toEqual([{ vm: 'd', reason: 'waiting for target capacity' }]);
    expect(p.done).toBe(false);
  });

  it('falls back to the average so far when nothing is moving, and has no ETA before any progress', () => {
    const items = [item('a', 1, 'completed', 'm1'), item('c', 2, 'pending')];
    const p = fleetProgress(fleet, items, new Map(), new Date('2026-12-03T10:00:10Z'));
    expect(p.rateBytesPerSecond).toBe((10 * GiB) / 10);
    expect(p.etaSeconds).toBe(10);
    const none = fleetProgress(fleet, [item('c', 1, 'pending')], new Map(), new Date('2026-12-03T10:00:10Z'));
    expect(none.rateBytesPerSecond).toBeNull();
    expect(none.etaSeconds).toBeNull();
  });
});
