// Layer 2 end to end: wave plans over DEPENDS_ON, fleets released into BullMQ and run by `ffo worker` child
// processes (migrations and orchestrators), against a private vCenter simulator and the lab's real OpenStack.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rename } from 'node:fs/promises';
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
      out.push({
        vm: item.vmName,
        migrationId,
        start,
        end: ends.length ? ends[ends.length - 1]!.at : Infinity,
      });
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

async function vmIdOf(vm: TestVm): Promise<string> {
  return (await lab.planning.vmIds([vm.name]))[0]!;
}

/** Breaks a VM's disk the way a vanished datastore file does: the copy fails, planning does not notice. */
async function breakDisk(vm: TestVm): Promise<() => Promise<void>> {
  await rename(vm.flats[0]!, `${vm.flats[0]}.away`);
  return () => rename(`${vm.flats[0]}.away`, vm.flats[0]!);
}

async function migrationsOf(vm: TestVm): Promise<{ id: string; status: string }[]> {
  const rows = await lab.graph.runText(
    'MATCH (:VM {id: $vm})<-[:MIGRATES]-(m:Migration) RETURN m.id AS id, m.status AS status',
    { vm: await vmIdOf(vm) },
  );
  return rows.map((r) => ({ id: r.id as string, status: r.status as string }));
}

describe('fleet orchestration', () => {
  it('50 VMs with a dependency cycle: waves in dependency order, the cycle as one move group, limits never exceeded', async () => {
    const tiers = 5;
    const width = 10;
    const all = await vms(tiers * width, 'fl');
    const at = (t: number, i: number) => all[t * width + i]!;
    await lab.discover();
    const edges: [TestVm, TestVm][] = [];
    for (let t = 1; t < tiers; t++) {
      for (let i = 0; i < width; i++) {
        edges.push([at(t, i), at(t - 1, i)]);
        if (i % 2 === 0) edges.push([at(t, i), at(t - 1, (i + 3) % width)]);
      }
    }
    // Two apps that call each other.
    edges.push([at(2, 0), at(2, 1)], [at(2, 1), at(2, 0)]);
    for (const [from, to] of edges) await depend(from, to);

    const plan = await lab.planner.plan(
      `fl-${lab.prefix}`,
      { vms: all.map((v) => v.name) },
      { maxVmsPerWave: 8, maxPerHost: 6 },
    );
    expect(plan.vmCount).toBe(50);
    expect(plan.moveGroups).toEqual([
      expect.objectContaining({ size: 2, members: [at(2, 0).name, at(2, 1).name].sort() }),
    ]);
    expect(plan.layerCount).toBe(tiers);
    const waveOfVm = new Map(plan.waves.flatMap((w) => w.vms.map((vm) => [vm, w.index] as const)));
    expect(waveOfVm.get(at(2, 0).name)).toBe(waveOfVm.get(at(2, 1).name));
    for (const w of plan.waves) {
      expect(w.vmCount).toBeLessThanOrEqual(8);
      expect(w.perHostMax).toBeLessThanOrEqual(6);
    }

    const limits = { concurrency: 4, perHostLimit: 2, perDatastoreLimit: 4 };
    const fleet = await lab.fleets.start(plan.id, CLOUD, { ...limits, ...MIGRATION });
    // Plans run once: starting it again is refused.
    await expect(lab.fleets.start(plan.id, CLOUD, {})).rejects.toMatchObject({ code: 'FLEET_STATE_INVALID' });
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');

    // Assertions from the engine's own event log, not from the orchestrator's bookkeeping.
    const list = await intervals(fleet.id);
    expect(list).toHaveLength(50);
    const byVm = new Map(list.map((i) => [i.vm, i]));
    for (const [from, to] of edges) {
      if (waveOfVm.get(from.name) === waveOfVm.get(to.name)) continue; // the move group
      expect({
        edge: `${from.name}→${to.name}`,
        ok: byVm.get(from.name)!.start >= byVm.get(to.name)!.end,
      }).toEqual({
        edge: `${from.name}→${to.name}`,
        ok: true,
      });
    }
    // Wave barrier: nothing of wave k+1 starts before all of wave k has ended.
    for (const w of plan.waves.slice(1)) {
      const earliest = Math.min(...w.vms.map((vm) => byVm.get(vm)!.start));
      const previous = plan.waves[w.index - 2]!.vms.map((vm) => byVm.get(vm)!.end);
      expect(earliest).toBeGreaterThanOrEqual(Math.max(...previous));
    }
    const hostOf = new Map(all.map((vm, i) => [vm.name, HOSTS[(i + seq - all.length) % HOSTS.length]!]));
    expect(peak(list)).toBeLessThanOrEqual(limits.concurrency);
    expect(peak(list)).toBeGreaterThan(1);
    for (const host of HOSTS) {
      expect(peak(list.filter((i) => hostOf.get(i.vm) === host))).toBeLessThanOrEqual(limits.perHostLimit);
    }
    // Every VM migrated exactly once.
    for (const vm of all) expect((await migrationsOf(vm)).map((m) => m.status)).toEqual(['completed']);
    const progress = await lab.fleets.progress(fleet.id);
    expect(progress).toMatchObject({ status: 'completed', vms: 50, done: true, etaSeconds: 0 });
    expect(progress.bytesDone).toBe(progress.bytesTotal);
    expect(kinds(fleet.id).filter((k) => k === 'wave.started')).toHaveLength(plan.waveCount);
    await rollbackAll(fleet.id);
  }, 1_200_000);

  it('RETRY: a failed VM is retried after a back-off from its checkpoints and then succeeds', async () => {
    const [r1, r2] = await vms(2, 'fr');
    await lab.discover();
    await depend(r2!, r1!);
    const restore = await breakDisk(r1!);
    const plan = await lab.planner.plan(`fr-${lab.prefix}`, { vms: [r1!.name, r2!.name] }, {});
    const fleet = await lab.fleets.start(plan.id, CLOUD, {
      failurePolicy: 'RETRY',
      maxRetries: 2,
      retryBackoffSeconds: 2,
      ...MIGRATION,
    });
    await lab.fleetEvent((e) => e.fleetId === fleet.id && e.kind === 'item.retry_scheduled');
    await restore();
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    expect(kinds(fleet.id, r1!.name)).toEqual([
      'item.released',
      'item.failed',
      'item.retry_scheduled',
      'item.retried',
      'item.completed',
    ]);
    // One migration, retried (not a second one), and the dependent only after it.
    expect((await migrationsOf(r1!)).map((m) => m.status)).toEqual(['completed']);
    const list = await intervals(fleet.id);
    const at = new Map(list.map((i) => [i.vm, i]));
    expect(at.get(r2!.name)!.start).toBeGreaterThanOrEqual(at.get(r1!.name)!.end);
    await rollbackAll(fleet.id);
  }, 600_000);

  it('SKIP: the failed VM is skipped, everything depending on it is blocked with the reason, the rest completes', async () => {
    const [s1, s2, s3] = await vms(3, 'fk');
    await lab.discover();
    await depend(s2!, s1!);
    const restore = await breakDisk(s1!);
    const plan = await lab.planner.plan(`fk-${lab.prefix}`, { vms: [s1!.name, s2!.name, s3!.name] }, {});
    const fleet = await lab.fleets.start(plan.id, CLOUD, { failurePolicy: 'SKIP', ...MIGRATION });
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    await restore();
    const items = new Map((await lab.fleets.items(fleet.id)).map((i) => [i.vmName, i]));
    expect(items.get(s1!.name)!.state).toBe('skipped');
    expect(items.get(s2!.name)).toMatchObject({
      state: 'blocked',
      reason: `${s1!.name} failed and was skipped`,
    });
    expect(items.get(s3!.name)!.state).toBe('completed');
    expect(await migrationsOf(s2!)).toEqual([]);
    const progress = await lab.fleets.progress(fleet.id);
    expect(progress.blocked).toEqual([{ vm: s2!.name, reason: `${s1!.name} failed and was skipped` }]);
    // The skipped VM's failed migration is left for a person: roll it back here to leave nothing behind.
    const failed = items.get(s1!.name)!.migrationId!;
    await lab.service.rollback(failed);
    expect(await lab.finished(failed, 'rollback')).toBe('rolled_back');
    await rollbackAll(fleet.id);
  }, 600_000);

  it('ROLLBACK: the failed VM is rolled back by the engine (nothing left in OpenStack), dependents blocked', async () => {
    const [b1, b2] = await vms(2, 'fb');
    await lab.discover();
    await depend(b2!, b1!);
    const restore = await breakDisk(b1!);
    const plan = await lab.planner.plan(`fb-${lab.prefix}`, { vms: [b1!.name, b2!.name] }, {});
    const fleet = await lab.fleets.start(plan.id, CLOUD, { failurePolicy: 'ROLLBACK', ...MIGRATION });
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    await restore();
    const items = new Map((await lab.fleets.items(fleet.id)).map((i) => [i.vmName, i]));
    expect(items.get(b1!.name)!.state).toBe('rolled_back');
    expect(items.get(b2!.name)!.state).toBe('blocked');
    const migration = items.get(b1!.name)!.migrationId!;
    expect((await lab.store.get(migration)).status).toBe('rolled_back');
    const left = await findOurResources(lab.openstack, migration);
    expect(Object.values(left).flat()).toEqual([]);
  }, 600_000);

  it('PAUSE: the fleet stops releasing on a failure and carries on when resumed', async () => {
    const [p1, p2] = await vms(2, 'fp');
    await lab.discover();
    await depend(p2!, p1!);
    const restore = await breakDisk(p1!);
    const plan = await lab.planner.plan(`fp-${lab.prefix}`, { vms: [p1!.name, p2!.name] }, {});
    const fleet = await lab.fleets.start(plan.id, CLOUD, { failurePolicy: 'PAUSE', ...MIGRATION });
    await lab.fleetEvent((e) => e.fleetId === fleet.id && e.kind === 'fleet.paused');
    // Three reconcile passes after the pause (the orchestrator publishes progress on each): p2 is not released.
    let pausedPasses = 0;
    for await (const p of lab.fleetEvents.progressEvents(fleet.id)) {
      if (p.status !== 'paused') continue; // a snapshot from before the pause
      expect(p.byState).toEqual([
        { key: 'failed', count: 1 },
        { key: 'pending', count: 1 },
      ]);
      if (++pausedPasses >= 3) break;
    }
    const items = new Map((await lab.fleets.items(fleet.id)).map((i) => [i.vmName, i]));
    expect(items.get(p1!.name)!.state).toBe('failed');
    expect(items.get(p2!.name)!.state).toBe('pending');
    await expect(lab.fleets.pause(fleet.id)).rejects.toMatchObject({ code: 'FLEET_STATE_INVALID' });
    await restore();
    await lab.fleets.resume(fleet.id);
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    expect((await migrationsOf(p1!)).map((m) => m.status)).toEqual(['completed']);
    expect((await migrationsOf(p2!)).map((m) => m.status)).toEqual(['completed']);
    await rollbackAll(fleet.id);
  }, 600_000);

  it('survives kill -9 of the worker running the orchestrator mid-fleet: completes, no VM migrated twice, none lost', async () => {
    const group = await vms(8, 'fx');
    await lab.discover();
    const plan = await lab.planner.plan(`fx-${lab.prefix}`, { vms: group.map((v) => v.name) }, {});
    const fleet = await lab.fleets.start(plan.id, CLOUD, { concurrency: 4, ...MIGRATION });
    // Once three VMs are in flight, find the orchestrating worker and kill it.
    let released = 0;
    await lab.fleetEvent((e) => e.fleetId === fleet.id && e.kind === 'item.released' && ++released >= 3);
    const orchestrator = (await lab.fleetStore.get(fleet.id)).orchestrator!;
    const pid = Number(orchestrator.split(':').pop());
    const victim = lab.workers.find((w) => w.pid === pid)!;
    expect(victim).toBeDefined();
    await lab.stopWorker(victim, 'SIGKILL');
    await lab.startWorker();
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    expect((await lab.fleetStore.get(fleet.id)).orchestrator).not.toBe(orchestrator);
    for (const vm of group) expect((await migrationsOf(vm)).map((m) => m.status)).toEqual(['completed']);
    const items = await lab.fleets.items(fleet.id);
    expect(items.map((i) => i.state)).toEqual(new Array(8).fill('completed'));
    await rollbackAll(fleet.id);
  }, 900_000);

  it('cancelFleet: in-flight migrations are cancelled (the engine removes what they made), the rest never starts', async () => {
    const group = await vms(4, 'fc');
    await lab.discover();
    await depend(group[3]!, group[0]!);
    const plan = await lab.planner.plan(`fc-${lab.prefix}`, { vms: group.map((v) => v.name) }, {});
    const fleet = await lab.fleets.start(plan.id, CLOUD, { concurrency: 2, ...MIGRATION });
    const released = await lab.fleetEvent((e) => e.fleetId === fleet.id && e.kind === 'item.released');
    await lab.fleets.cancel(fleet.id);
    expect(await lab.fleetEnded(fleet.id)).toBe('cancelled');
    const items = await lab.fleets.items(fleet.id);
    expect(items.every((i) => i.state === 'cancelled' || i.state === 'completed')).toBe(true);
    // The dependent in the next wave never had a migration.
    expect(await migrationsOf(group[3]!)).toEqual([]);
    // Whatever was in flight ended cancelled (or had just completed), and a cancelled one left nothing behind.
    for (const item of items.filter((i) => i.migrationId)) {
      const status = (await lab.store.get(item.migrationId!)).status;
      expect(['cancelled', 'completed']).toContain(status);
      if (status === 'cancelled') {
        expect(Object.values(await findOurResources(lab.openstack, item.migrationId!)).flat()).toEqual([]);
      }
    }
    expect(released.vmName).toBeTruthy();
    await expect(lab.fleets.resume(fleet.id)).rejects.toMatchObject({ code: 'FLEET_STATE_INVALID' });
    await rollbackAll(fleet.id);
  }, 600_000);

  it('holds a VM when the target quota is too small for the next wave, and continues after the quota is raised', async () => {
    const [q1, q2, q3, q4] = await vms(4, 'fq');
    await lab.discover();
    await depend(q3!, q1!);
    await depend(q4!, q1!);
    const { inUse } = await lab.computeQuota('instances');
    await lab.setComputeQuota({ instances: inUse + 3 });
    const plan = await lab.planner.plan(
      `fq-${lab.prefix}`,
      { vms: [q1!, q2!, q3!, q4!].map((v) => v.name) },
      {},
    );
    expect(plan.waves.map((w) => w.vms.length)).toEqual([2, 2]);
    const fleet = await lab.fleets.start(plan.id, CLOUD, { concurrency: 4, ...MIGRATION });
    const held = await lab.fleetEvent((e) => e.fleetId === fleet.id && e.kind === 'item.held');
    expect(held.message).toMatch(/waiting for target capacity: needs 1 instances \(0 free\)/);
    const progress = await lab.fleets.progress(fleet.id);
    expect(progress.held).toEqual([{ vm: held.vmName, reason: expect.stringContaining('instances') }]);
    expect(progress.status).toBe('running');
    await lab.setComputeQuota({ instances: inUse + 10 });
    expect(await lab.fleetEnded(fleet.id)).toBe('completed');
    // Never over-provisioned: no migration failed (Nova never refused a server for quota).
    expect(kinds(fleet.id).filter((k) => k === 'item.failed')).toEqual([]);
    expect(kinds(fleet.id, held.vmName!)).toEqual(['item.held', 'item.released', 'item.completed']);
    await rollbackAll(fleet.id);
  }, 600_000);
});
