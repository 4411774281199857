// The Layer 1 engine end to end: a private vCenter simulator (disks are real files this test writes), the lab's
// real mini-OpenStack (Cinder NFS volumes are files we can hash), `ffo worker` as real child processes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import { ErrorCode } from '../../src/errors/error-codes.js';
import type { FfoError } from '../../src/errors/ffo-error.js';
import { findOurResources } from '../../src/engine/target/resource-reaper.js';
import { EngineLab, MiB, CLOUD, sha256, volumeFile, writeAt, type TestVm } from './support/engine-lab.js';

const lab = new EngineLab();
const KiB64 = 64 * 1024;

beforeAll(async () => {
  await lab.start();
}, 180_000);

afterAll(async () => {
  await lab.stop();
}, 120_000);

async function vmId(name: string): Promise<string> {
  const [id] = await lab.planning.vmIds([name]);
  return id!;
}

/** Source flat files equal the target volume files (over the disk's size). */
async function expectSameBytes(migrationId: string, vm: TestVm): Promise<void> {
  const record = await lab.store.get(migrationId);
  for (const [i, disk] of record.plan.disks.entries()) {
    const volumeId = record.checkpoints.disks[String(disk.key)]!.volumeId!;
    expect(await sha256(volumeFile(volumeId), disk.capacityBytes)).toBe(
      await sha256(vm.flats[i]!, disk.capacityBytes),
    );
  }
}

/** Random data with holes: 1 MiB of data every 4 MiB. */
async function fillWithHoles(file: string, bytes: number): Promise<void> {
  for (let off = 0; off < bytes; off += 4 * MiB) await writeAt(file, off, MiB);
}

describe('Layer 1 engine', () => {
  it('refuses a VM with blockers, with their codes, and creates nothing', async () => {
    const vm = await lab.createVm({ bootBytes: 16 * MiB, network: 'DC0_DVPG0' });
    await lab.discover();
    // Map only "VM Network": the distributed port group stays unmapped.
    const error = (await lab.service.start(vm.name, CLOUD, {}).catch((e: unknown) => e)) as FfoError;
    expect(error.code).toBe(ErrorCode.MIGRATION_BLOCKED);
    expect((error.details.concerns as { code: string }[]).map((c) => c.code)).toContain('NETWORK_UNMAPPED');
    expect(await lab.store.activeFor(await vmId(vm.name))).toBeNull();
    expect((await lab.openstack.listPorts()).filter((p) => p.mac_address === vm.mac)).toEqual([]);
    // Bad options are refused before planning too.
    const bad = (await lab.service
      .start(vm.name, CLOUD, { mode: 'warm', pipeline: 'http' })
      .catch((e: unknown) => e)) as FfoError;
    expect(bad.code).toBe(ErrorCode.BAD_INPUT);
  }, 300_000);

  it('cold, NBD pipeline: two disks (thin with holes, thick) byte-identical, matched flavor, source MACs, ACTIVE; rollback leaves nothing', async () => {
    const vm = await lab.createVm({ bootBytes: 32 * MiB, dataBytes: 16 * MiB, on: true });
    await fillWithHoles(vm.flats[0]!, 32 * MiB);
    await writeAt(vm.flats[1]!, 0, 16 * MiB);
    await lab.discover();
    const worker = await lab.startWorker();
    const started = await lab.service.start(vm.name, CLOUD, { pipeline: 'NBD' });
    expect(started.pipeline).toBe('nbd');
    expect(started.pipelineReason).toMatch(/no VDDK library → NBD over datastore HTTP/);
    expect(await lab.finished(started.id)).toBe('completed');
    const record = await lab.store.get(started.id);
    await expectSameBytes(started.id, vm);
    // No OS on these disks: inspection ran and chose no conversion.
    expect(record.checkpoints.conversion?.path).toBe('none');
    const server = await lab.openstack.getServer(record.checkpoints.server!.id);
    expect(server.status).toBe('ACTIVE');
    expect(
      (server.flavor as { id?: string; original_name?: string }).original_name ?? server.flavor?.id,
    ).toBe(record.plan.flavor.name);
    const port = await lab.openstack.getPort(record.checkpoints.server!.ports[0]!.id);
    expect(port.mac_address).toBe(vm.mac);
    expect(port.device_id).toBe(server.id);
    const kinds = lab.eventsOf(started.id).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'validate.ok',
        'port.ready',
        'volume.ready',
        'round.finished',
        'server.active',
        'verify.ok',
      ]),
    );

    await lab.service.rollback(started.id);
    expect(await lab.finished(started.id, 'rollback')).toBe('rolled_back');
    const left = await findOurResources(lab.openstack, started.id);
    expect([left.servers, left.volumes, left.ports, left.images]).toEqual([[], [], [], []]);
    expect(await lab.govc(['vm.info', vm.name])).toMatch(/poweredOn/);
    await lab.stopWorker(worker);
  }, 600_000);

  it('cold, HTTP pipeline: download, qemu-img, Glance, volume from image — byte-identical', async () => {
    const vm = await lab.createVm({ bootBytes: 24 * MiB });
    await fillWithHoles(vm.flats[0]!, 24 * MiB);
    await lab.discover();
    const worker = await lab.startWorker();
    const started = await lab.service.start(vm.name, CLOUD, { pipeline: 'HTTP', conversion: 'NONE' });
    expect(started.pipeline).toBe('http');
    expect(await lab.finished(started.id)).toBe('completed');
    await expectSameBytes(started.id, vm);
    const kinds = lab.eventsOf(started.id).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['disk.downloaded', 'volume.imported', 'server.active']));
    // The image was only a vehicle.
    expect((await findOurResources(lab.openstack, started.id)).images).toEqual([]);
    await lab.service.rollback(started.id);
    expect(await lab.finished(started.id, 'rollback')).toBe('rolled_back');
    await lab.stopWorker(worker);
  }, 600_000);

  it('warm: pre-copy while running, CBT deltas (blocks rewritten to zeros too), manual cutover; bytes moved ≈ bytes changed', async () => {
    const vm = await lab.createVm({ bootBytes: 32 * MiB, on: true });
    await fillWithHoles(vm.flats[0]!, 32 * MiB);
    await lab.discover();
    const worker = await lab.startWorker();
    const started = await lab.service.start(vm.name, CLOUD, {
      mode: 'WARM',
      deltaIntervalSeconds: 3600,
      conversion: 'NONE',
    });
    const id = started.id;
    // The first delta round follows the pre-copy at once; the source is still running.
    await lab.event((e) => e.migrationId === id && e.kind === 'round.finished' && e.data?.kind === 'delta');
    expect(await lab.govc(['vm.info', vm.name])).toMatch(/poweredOn/);
    let changed = 0;
    // Round A: 20 blocks of new data, 4 of them in holes.
    for (let i = 0; i < 20; i++)
      await writeAt(vm.flats[0]!, i * 1.5 * MiB - ((i * 1.5 * MiB) % KiB64), KiB64);
    changed += 20 * KiB64;
    const roundsBefore = lab.eventsOf(id).filter((e) => e.kind === 'round.finished').length;
    await lab.bus.control(id, 'sync');
    await lab.event(
      (e) =>
        e.migrationId === id &&
        e.kind === 'round.finished' &&
        lab.eventsOf(id).filter((x) => x.kind === 'round.finished').length > roundsBefore,
    );
    // Round B (the final one, at cutover): 8 blocks rewritten to zeros, 8 new.
    for (let i = 0; i < 8; i++) await writeAt(vm.flats[0]!, i * 4 * MiB, KiB64, true);
    for (let i = 0; i < 8; i++) await writeAt(vm.flats[0]!, i * 4 * MiB + 2 * MiB, KiB64);
    changed += 16 * KiB64;
    await lab.service.cutover(id);
    expect(await lab.finished(id)).toBe('completed');
    await expectSameBytes(id, vm);
    const record = await lab.store.get(id);
    const moved = record.checkpoints.deltaHistory.reduce((s, r) => s + r.bytesCopied, 0);
    expect(moved).toBeGreaterThanOrEqual(changed);
    expect(moved).toBeLessThanOrEqual(1.05 * changed);
    const [row] = await lab.graph.read('migration-get', { id });
    const m = row!.migration as { downtimeSeconds?: number; serverId?: string };
    expect(m.downtimeSeconds).toBeGreaterThan(0);
    expect(m.serverId).toBe(record.checkpoints.server!.id);
    await lab.service.rollback(id);
    expect(await lab.finished(id, 'rollback')).toBe('rolled_back');
    await lab.stopWorker(worker);
  }, 600_000);

  it('kill -9 of the worker mid full copy: a new worker resumes from the checkpoint, byte-identical', async () => {
    const size = 48 * MiB;
    const vm = await lab.createVm({ bootBytes: size });
    await writeAt(vm.flats[0]!, 0, size);
    await lab.discover();
    const slow = { FFO_TRANSFER_RATE_LIMIT: String(6 * MiB), FFO_COPY_CHUNK_BYTES: String(4 * MiB) };
    const first = await lab.startWorker(slow);
    const started = await lab.service.start(vm.name, CLOUD, { conversion: 'NONE' });
    const id = started.id;
    await lab.event((e) => e.migrationId === id && e.kind === 'chunk.copied' && Number(e.data?.chunk) >= 3);
    await lab.stopWorker(first, 'SIGKILL');
    const second = await lab.startWorker(slow);
    expect(await lab.finished(id)).toBe('completed');
    const events = lab.eventsOf(id);
    const resumed = events.find((e) => e.kind === 'disk.resumed');
    expect(Number(resumed?.data?.chunksDone)).toBeGreaterThanOrEqual(3);
    const after = events.slice(events.indexOf(resumed!)).filter((e) => e.kind === 'chunk.copied');
    const recopied = after.reduce((s, e) => s + Number(e.data?.bytes), 0);
    expect(recopied).toBeLessThan(size);
    await expectSameBytes(id, vm);
    await lab.service.rollback(id);
    expect(await lab.finished(id, 'rollback')).toBe('rolled_back');
    await lab.stopWorker(second);
  }, 600_000);

  it('kill -9 of the worker mid delta round: the round resumes, byte-identical after cutover', async () => {
    const size = 32 * MiB;
    const vm = await lab.createVm({ bootBytes: size, on: true });
    await writeAt(vm.flats[0]!, 0, 4 * MiB);
    await lab.discover();
    const slow = { FFO_TRANSFER_RATE_LIMIT: String(4 * MiB), FFO_COPY_CHUNK_BYTES: String(2 * MiB) };
    const first = await lab.startWorker(slow);
    const { id } = await lab.service.start(vm.name, CLOUD, {
      mode: 'WARM',
      deltaIntervalSeconds: 3600,
      conversion: 'NONE',
    });
    await lab.event((e) => e.migrationId === id && e.kind === 'round.finished' && e.data?.kind === 'delta');
    await writeAt(vm.flats[0]!, 8 * MiB, 16 * MiB);
    await lab.bus.control(id, 'sync');
    await lab.event(
      (e) =>
        e.migrationId === id &&
        e.kind === 'chunk.copied' &&
        e.phase === 'delta' &&
        Number(e.data?.chunk) >= 2,
    );
    await lab.stopWorker(first, 'SIGKILL');
    const second = await lab.startWorker(slow);
    const resumed = await lab.event((e) => e.migrationId === id && e.kind === 'disk.resumed');
    expect(Number(resumed.data?.chunksDone)).toBeGreaterThanOrEqual(2);
    await lab.event((e) => e.migrationId === id && e.kind === 'round.finished' && e.at > resumed.at);
    await lab.service.cutover(id);
    expect(await lab.finished(id)).toBe('completed');
    await expectSameBytes(id, vm);
    await lab.service.rollback(id);
    expect(await lab.finished(id, 'rollback')).toBe('rolled_back');
    await lab.stopWorker(second);
  }, 600_000);
});

describe('Layer 1 engine with the lab Debian guest', () => {
  it('migrates the VMware-like Debian guest, converts it on the minimal path, and it boots to a login prompt on virtio', async () => {
    const image = process.env.FFO_GUEST_IMAGE;
    if (!image) throw new Error('FFO_GUEST_IMAGE is not set by the lab (lab/disk/guest-image.sh build)');
    const size = (await stat(image)).size;
    const vm = await lab.createVm({ bootBytes: size, on: true, guestId: 'debian12_64Guest' });
    await execa('cp', ['--sparse=always', image, vm.flats[0]!]);
    await lab.discover();
    const worker = await lab.startWorker();
    const { id } = await lab.service.start(vm.name, CLOUD, { mode: 'WARM', deltaIntervalSeconds: 3600 });
    await lab.event((e) => e.migrationId === id && e.kind === 'round.finished' && e.data?.kind === 'delta');
    await lab.service.cutover(id);
    expect(await lab.finished(id)).toBe('completed');
    const record = await lab.store.get(id);
    expect(record.checkpoints.conversion?.path).toBe('minimal');
    expect(record.checkpoints.conversion?.changes.join(' ')).toMatch(/fstab/);
    const volume = volumeFile(record.checkpoints.disks[String(record.plan.disks[0]!.key)]!.volumeId!);
    // Read-only (-snapshot) boot of the target volume under qemu TCG on virtio-blk.
    const boot = await execa('bash', ['lab/disk/boot-check.sh', volume, 'virtio', '240'], { reject: false });
    expect(boot.stdout).toMatch(/login prompt after/);
    expect(boot.exitCode).toBe(0);
    await lab.service.rollback(id);
    expect(await lab.finished(id, 'rollback')).toBe('rolled_back');
    await lab.stopWorker(worker);
  }, 900_000);
});
