// Layer 2 end to end: wave plans over DEPENDS_ON, fleets released into BullMQ and run by `ffo worker` child
// processes (migrations and orchestrators), against a private vCenter simulator and the lab's real OpenStack.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rename } from 'node:fs/promises';
import type { FleetEventMessage } from '../../src/fleet/fleet-events.js';
import { findOurResources } from '../../src/engine/target/resource-reaper.js';
import { FleetLab } from './support/fleet-lab.js';
import { CLOUD, MiB, type TestVm } from './support/engine-lab.js';

const lab = new FleetLab();
const HOSTS = ['DC0_C0_H0', 'DC0_C0_H1'];
// Small VMs, no OS on their disks: what is measured here is the orchestration, the engine has its own tests.
const MIGRATION = { conversion: 'NONE' };

beforeAll(async () => {
  await lab.start();
  // Room for the fleets' servers; restored afterwards.
  await lab.setComputeQuota({ instances: 200, cores: 400, ram: 1_000_000 });
  await lab.startWorker();
  await lab.startWorker();
}, 240_000);

afterAll(async () => {
  await lab.stop();
}, 180_000);

let seq = 0;
async function vms(count: number, prefix: string): Promise<TestVm[]> {
  const made: TestVm[] = [];
  for (let i = 0; i < count; i++) {
    made.push(
      await lab.createVm({
        bootBytes: 4 * MiB,
        host: HOSTS[(seq + i) % HOSTS.length],
        name: `${prefix}-${String(i).padStart(2, '0')}-${lab.prefix.slice(-8)}`,
      }),
    );
  }
  seq += count;
  return made;
}

async function depend(from: TestVm, to: TestVm): Promise<void> {
  await lab.dependencies.add(from.name, to.name, 'test', 1, 'fleet-test');
}

interface Interval {
  vm: string;
  migrationId: string;
  start: number;
  end: number;
}

/** Each VM's migrations from the engine's own event log: created → completed/failed/rolled back. */
async function intervals(fleetId: string): Promise<Interval[]> {
  const items = await lab.fleets.items(fleetId);
  const out: Interval[] = [];
  for (const item of items) {
    const rows = await lab.graph.runText(
      `MATCH (:VM {id: $vm})<-[:MIGRATES]-(m:Migration)-[:LOGGED]->(e:MigrationEvent)
       RETURN m.id AS id, e.kind AS kind, toString(e.at) AS at ORDER BY e.at`,
      { vm: item.vmId },
    );
    const byMigration = new Map<string, { kind: string; at: number }[]>();
    for (const r of rows) {
      const list = byMigration.get(r.id as string) ?? [];
      list.push({ kind: r.kind as string, at: Date.parse(r.at as string) });
      byMigration.set(r.id as string, list);
    }
    for (const [migrationId, events] of byMigration) {
      const start = events.find((e) => e.kind === 'migration.created')!.at;
      const ends = events.filter((e) =>
        ['migration.completed', 'migration.failed', 'rollback.finished'].includes(e.kind),
      );
      out.push({ vm: item.vmName, migrationId, start, end: ends.length ? ends[ends.length - 1]!.at : Infinity });
    }
  }
  return out;
}

/** The most intervals open at one instant (a start at the same ms as an end counts after the end). */
function peak(list: Interval[]): number {
  const points = list.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let max = 0;
  for (const p of points) {
    open += p.d;
    max = Math.max(max, open);
  }
  return max;
}

async function rollbackAll(fleetId: string): Promise<void> {
  const items = await lab.fleets.items(fleetId);
  const done = items.filter((i) => i.state === 'completed' && i.migrationId);
  for (const item of done) await lab.service.rollback(item.migrationId!);
  for (const item of done) expect(await lab.finished(item.migrationId!, 'rollback')).toBe('rolled_back');
}

const kinds = (fleetId: string, vm?: string): string[] =>
  lab.fleetLog.filter((e) => e.fleetId === fleetId && (!vm || e.vmName === vm)).map((e) => e.kind);

describe('fleet orchestration', () => {
  it('smoke: plans a small estate with a cycle and migrates it in waves', async () => {
    const [a, b, c, d] = await vms(4, 'fs');
    await lab.discover();
    await depend(c!, a!);
    await depend(a!, b!);
    await depend(b!, a!);
    await depend(d!, c!);
    const plan = await lab.planner.plan(`fs-${lab.prefix}`, { vms: [a!, b!, c!, d!].map((v) => v.name) }, {});
    expect(plan.moveGroups).toHaveLength(1);
    expect(plan.waves.map((w) => w.vms.length)).toEqual([2, 1, 1]);
    const fleet = await lab.fleets.start(plan.id, CLOUD, { concurrency: 2, ...MIGRATION });
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    const list = await intervals(fleet.id);
    console.log(list.map((i) => `${i.vm} ${(i.end - i.start) / 1000}s`).join('\n'));
    const progress = await lab.fleets.progress(fleet.id);
    expect(progress.byState).toEqual([{ key: 'completed', count: 4 }]);
    await rollbackAll(fleet.id);
  }, 600_000);
});

void rename;
void findOurResources;
export type { FleetEventMessage };
