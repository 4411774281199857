// VmOperations against a private vcsim-cbt: its CBT emulation reports real changed 64 KiB blocks of the
// -flat.vmdk file this test writes on the simulator's datastore directory.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, truncate } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ErrorCode } from '../../src/errors/error-codes.js';
import type { FfoError } from '../../src/errors/ffo-error.js';
import { moRef, moRefOf } from '../../src/providers/vsphere/managed-object-reference.js';
import { VimClient } from '../../src/providers/vsphere/vim-client.js';
import {
  VmOperations,
  datastoreFileUrl,
  flatFileOf,
  type VmDiskState,
} from '../../src/providers/vsphere/vm-operations.js';
import { startPrivateVcsim, type PrivateVcsim } from './support/private-vcsim.js';
import { loadLabEnv } from '../../src/config/lab-env.js';

const KIB64 = 64 * 1024;
const MIB = 1024 * 1024;
const DISK_BYTES = 64 * MIB;

function govcBin(): string {
  const bin = process.env.FFO_GOVC ?? join(homedir(), '.cache/ffo-twin/vcsim/bin/govc');
  if (!existsSync(bin)) throw new Error(`govc not found at ${bin} (set FFO_GOVC or build the lab)`);
  return bin;
}

let vcsim: PrivateVcsim;
let client: VimClient;
let ops: VmOperations;

async function govc(args: string[]): Promise<string> {
  const { stdout } = await execa(govcBin(), args, { env: vcsim.govcEnv });
  return stdout;
}

/** Creates a powered-off VM with one 64 MiB thin disk on LocalDS_0; returns its moid and the flat file. */
async function createVm(): Promise<{ moid: string; name: string; flatFile: string }> {
  const name = `ffo-ops-${randomUUID().slice(0, 8)}`;
  await govc([
    'vm.create',
    '-m',
    '128',
    '-c',
    '1',
    '-on=false',
    '-ds',
    'LocalDS_0',
    '-net',
    'VM Network',
    '-disk',
    '64MB',
    '-disk.controller',
    'pvscsi',
    '-host',
    'DC0_C0_H0',
    name,
  ]);
  const info = JSON.parse(await govc(['vm.info', '-json', name])) as {
    VirtualMachines: { Self: { Value: string } }[];
  };
  const ds = JSON.parse(await govc(['datastore.info', '-json', 'LocalDS_0'])) as {
    Datastores: { Info: { Url: string } }[];
  };
  const flatFile = join(ds.Datastores[0]!.Info.Url, name, `${name}-flat.vmdk`);
  // vcsim creates 0-byte placeholders; give the disk its full (sparse) size.
  await truncate(flatFile, DISK_BYTES);
  return { moid: info.VirtualMachines[0]!.Self.Value, name, flatFile };
}

async function writeAt(file: string, offset: number, data: Buffer): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(data, 0, data.length, offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const block = (offset: number): number => Math.floor(offset / KIB64) * KIB64;

beforeAll(async () => {
  loadLabEnv(); // FFO_VCSIM_BIN and FFO_GOVC come from the running lab's lab.env
  if (process.env.FFO_VCSIM_BIN === undefined) {
    throw new Error('FFO_VCSIM_BIN must point to the lab vcsim-cbt (~/.cache/ffo-twin/vcsim/bin/vcsim-cbt)');
  }
  vcsim = await startPrivateVcsim();
  client = new VimClient({ url: vcsim.url });
  await client.login(vcsim.username, vcsim.password);
  ops = new VmOperations(client);
});

afterAll(async () => {
  await client?.logout().catch(() => undefined);
  await client?.close();
  await vcsim?.stop();
});

describe('VmOperations against vcsim-cbt', () => {
  it('tracks changed blocks between snapshots and serves the flat file over /folder with the session cookie', async () => {
    const vm = await createVm();
    await writeAt(vm.flatFile, 0, Buffer.alloc(4096, 0x41));
    await writeAt(vm.flatFile, 10 * MIB, Buffer.from('BLOCK-10M'));
    await writeAt(vm.flatFile, 40 * MIB + 70_000, Buffer.alloc(100, 0x42));

    const before = await ops.getVmState(vm.moid);
    expect(before).toMatchObject({
      moid: vm.moid,
      name: vm.name,
      powerState: 'poweredOff',
      changeTrackingEnabled: false,
      datacenterName: 'DC0',
      datacenterPath: 'DC0',
      snapshots: [],
      guestToolsRunning: false,
    });
    expect(before.disks).toHaveLength(1);
    const disk: VmDiskState = before.disks[0]!;
    expect(disk).toMatchObject({
      fileName: `[LocalDS_0] ${vm.name}/${vm.name}.vmdk`,
      datastoreName: 'LocalDS_0',
      path: `${vm.name}/${vm.name}.vmdk`,
      capacityBytes: DISK_BYTES,
      thinProvisioned: true,
      changeId: null,
      unitNumber: 0,
    });

    await ops.enableChangeTracking(vm.moid);
    expect((await ops.getVmState(vm.moid)).changeTrackingEnabled).toBe(true);

    const prefix = `ffo-${randomUUID().slice(0, 6)}-`;
    const s1 = await ops.createSnapshot(vm.moid, `${prefix}1`, 'first sync');
    const [s1Disk] = await ops.snapshotDisks(s1);
    expect(s1Disk).toMatchObject({ key: disk.key, fileName: disk.fileName, capacityBytes: DISK_BYTES });
    expect(s1Disk!.changeId).toEqual(expect.any(String));

    expect(await ops.queryChangedDiskAreas(vm.moid, s1, disk.key, '*', DISK_BYTES)).toEqual([
      { start: 0, length: KIB64 },
      { start: 10 * MIB, length: KIB64 },
      { start: block(40 * MIB + 70_000), length: KIB64 },
    ]);

    await writeAt(vm.flatFile, 5, Buffer.from('CHANGED'));
    await writeAt(vm.flatFile, 20 * MIB, Buffer.from('BLOCK-20M'));
    await writeAt(vm.flatFile, 50 * MIB, Buffer.alloc(100 * 1024, 0x43)); // spans two blocks
    const s2 = await ops.createSnapshot(vm.moid, `${prefix}2`, 'second sync');

    expect(await ops.queryChangedDiskAreas(vm.moid, s2, disk.key, s1Disk!.changeId!, DISK_BYTES)).toEqual([
      { start: 0, length: KIB64 },
      { start: 20 * MIB, length: KIB64 },
      { start: 50 * MIB, length: 2 * KIB64 },
    ]);
    const [s2Disk] = await ops.snapshotDisks(s2);
    expect(s2Disk!.changeId).not.toBe(s1Disk!.changeId);
    // Nothing changed since snapshot 2.
    expect(await ops.queryChangedDiskAreas(vm.moid, s2, disk.key, s2Disk!.changeId!, DISK_BYTES)).toEqual([]);

    const state = await ops.getVmState(vm.moid);
    expect(state.snapshots).toEqual([
      { moid: s1, name: `${prefix}1` },
      { moid: s2, name: `${prefix}2` },
    ]);
    expect(await ops.findSnapshots(vm.moid, prefix)).toEqual(state.snapshots);
    expect(await ops.findSnapshots(vm.moid, `${prefix}2`)).toEqual([{ moid: s2, name: `${prefix}2` }]);

    // Byte range of the flat file through /folder, authenticated with this session's cookie.
    const cookie = client.sessionCookie();
    expect(cookie).not.toBeNull();
    const url = datastoreFileUrl(vcsim.url, state.datacenterPath, disk.datastoreName, flatFileOf(disk.path));
    const first = 50 * MIB - 10;
    const last = 50 * MIB + 100 * 1024 + 9;
    const response = await fetch(url, {
      headers: { cookie: `vmware_soap_session=${cookie!}`, range: `bytes=${first}-${last}` },
    });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(206);
    const onDisk = (await readFile(vm.flatFile)).subarray(first, last + 1);
    expect(body.length).toBe(last - first + 1);
    expect(body.equals(onDisk)).toBe(true);
    expect(body.subarray(10, 11)[0]).toBe(0x43);

    // Snapshots last: vcsim's RemoveSnapshot may delete unrelated layout files (see lab notes).
    await ops.removeSnapshot(s2);
    expect(await ops.findSnapshots(vm.moid, prefix)).toEqual([{ moid: s1, name: `${prefix}1` }]);
    await ops.removeSnapshot(s1);
    expect(await ops.findSnapshots(vm.moid, prefix)).toEqual([]);
    expect((await ops.getVmState(vm.moid)).snapshots).toEqual([]);
  });

  it('powers on and off idempotently and shuts the guest down', async () => {
    const vm = await createVm();
    await ops.powerOn(vm.moid);
    expect((await ops.getVmState(vm.moid)).powerState).toBe('poweredOn');
    await ops.powerOn(vm.moid); // already on: no error

    await ops.shutdownGuest(vm.moid);
    expect(await ops.waitForPowerState(vm.moid, 'poweredOff', 10_000)).toBe(true);
    await ops.shutdownGuest(vm.moid); // already off: no error

    await ops.powerOn(vm.moid);
    expect(await ops.waitForPowerState(vm.moid, 'poweredOn', 10_000)).toBe(true);
    await ops.powerOff(vm.moid);
    await ops.powerOff(vm.moid);
    expect((await ops.getVmState(vm.moid)).powerState).toBe('poweredOff');
    expect(await ops.waitForPowerState(vm.moid, 'suspended', 300)).toBe(false);
  });

  it('reports a failed task as VSPHERE_TASK_FAILED with the vSphere fault', async () => {
    const vm = await createVm();
    await ops.powerOn(vm.moid);
    // A raw second PowerOnVM_Task: vcsim fails the task with InvalidPowerState.
    const task = moRefOf(await client.call('PowerOnVM_Task', moRef('VirtualMachine', vm.moid)));
    expect(task?.type).toBe('Task');
    let error: FfoError | undefined;
    try {
      await ops.waitForTask(task!.value, 10_000);
    } catch (e) {
      error = e as FfoError;
    }
    expect(error?.code).toBe(ErrorCode.VSPHERE_TASK_FAILED);
    expect(error?.details).toMatchObject({
      taskMoid: task!.value,
      faultType: 'InvalidPowerState',
      fault: { existingState: 'poweredOn' },
    });
  });
});
