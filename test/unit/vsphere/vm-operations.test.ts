import { afterEach, describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { FfoError } from '../../../src/errors/ffo-error.js';
import { VSphereFaultError, VSphereProtocolError } from '../../../src/errors/vsphere-errors.js';
import { VimClient } from '../../../src/providers/vsphere/vim-client.js';
import {
  VmOperations,
  datastoreFileUrl,
  flatFileOf,
  mergeExtents,
  parseDatastorePath,
} from '../../../src/providers/vsphere/vm-operations.js';
import { FakeVCenter, defaultHandlers, type FakeHandler, type RecordedRequest } from './fake-vcenter.js';
import { readFixture } from './fixture-files.js';

const servers: FakeVCenter[] = [];
const clients: VimClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** What a RetrievePropertiesEx request asks for, to route it to the right recorded answer. */
type RetrieveRoute = 'task' | 'vm-state' | 'power' | 'snapshots' | 'snapshot-devices';

function routeOf(request: RecordedRequest): RetrieveRoute {
  const { body } = request;
  if (body.includes('<obj type="Task">')) return 'task';
  if (body.includes('<obj type="VirtualMachineSnapshot">')) return 'snapshot-devices';
  if (body.includes('<name>toParent</name>')) return 'vm-state';
  if (body.includes('<pathSet>snapshot</pathSet>')) return 'snapshots';
  if (body.includes('<pathSet>runtime.powerState</pathSet>')) return 'power';
  throw new Error(`unexpected retrieval: ${body}`);
}

/** The moid a task retrieval asks about, written into the recorded answer (recordings carry other ids). */
function withTaskId(fixture: string, request: RecordedRequest): string {
  const asked = /<obj type="Task">([^<]+)<\/obj>/.exec(request.body)![1]!;
  return fixture.replace(/<obj type="Task">[^<]+<\/obj>/, `<obj type="Task">${asked}</obj>`);
}

function powerStateReply(state: string): string {
  return readFixture('retrieve-power-state.vcsim.xml').replace('>poweredOff<', `>${state}<`);
}

interface Script {
  /** Answers per retrieval kind, in order; the last one repeats. */
  retrieve?: Partial<Record<RetrieveRoute, ((request: RecordedRequest) => string)[]>>;
  handlers?: Record<string, FakeHandler>;
}

async function setup(script: Script): Promise<{ server: FakeVCenter; ops: VmOperations; client: VimClient }> {
  const calls = new Map<RetrieveRoute, number>();
  const handlers: Record<string, FakeHandler> = {
    ...defaultHandlers(),
    RetrievePropertiesEx: (request) => {
      const route = routeOf(request);
      const replies = script.retrieve?.[route];
      if (replies === undefined || replies.length === 0) throw new Error(`no reply scripted for ${route}`);
      const n = calls.get(route) ?? 0;
      calls.set(route, n + 1);
      return { body: replies[Math.min(n, replies.length - 1)]!(request) };
    },
    ...(script.handlers ?? {}),
  };
  const server = new FakeVCenter(handlers);
  servers.push(server);
  const url = await server.start();
  const client = new VimClient({ url });
  clients.push(client);
  await client.login('admin', 'S3cret!');
  return { server, ops: new VmOperations(client), client };
}

const fixture = (name: string) => (): string => readFixture(name);
const taskFixture =
  (name: string) =>
  (request: RecordedRequest): string =>
    withTaskId(readFixture(name), request);

/** The SOAP body element of the single request for `method`, from its opening tag to its closing tag. */
function requestBody(server: FakeVCenter, method: string): string {
  const matching = server.requests.filter((r) => r.method === method);
  expect(matching).toHaveLength(1);
  const body = matching[0]!.body;
  return body.slice(body.indexOf(`<${method} `), body.indexOf(`</${method}>`) + method.length + 3);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('VmOperations.getVmState', () => {
  it('reads state, disks, snapshots and the datacenter in one retrieval (recorded vcsim-cbt)', async () => {
    const { server, ops } = await setup({
      retrieve: { 'vm-state': [fixture('retrieve-vm-state.vcsim.xml')] },
    });
    const state = await ops.getVmState('vm-53');
    expect(state).toEqual({
      moid: 'vm-53',
      name: 'cbt01',
      powerState: 'poweredOff',
      changeTrackingEnabled: true,
      datacenterName: 'DC0',
      datacenterPath: 'DC0',
      disks: [
        {
          key: 203,
          label: 'disk-202-0',
          fileName: '[LocalDS_0] cbt01/cbt01.vmdk',
          datastoreName: 'LocalDS_0',
          path: 'cbt01/cbt01.vmdk',
          capacityBytes: 64 * 1024 * 1024,
          thinProvisioned: true,
          changeId: '6dd7f40f-43cd-4764-bdf4-b2495e7a229d/2',
          controllerKey: 202,
          unitNumber: 0,
        },
      ],
      snapshots: [
        { moid: 'snapshot-56', name: 'ffo-sync-1' },
        { moid: 'snapshot-58', name: 'ffo-sync-2' },
      ],
      guestToolsRunning: false,
    });
    expect(server.methods()).toEqual(['RetrieveServiceContent', 'Login', 'RetrievePropertiesEx']);
    const body = requestBody(server, 'RetrievePropertiesEx');
    // The walk up the parents, recursive by name, starting at the VM itself.
    expect(body).toContain(
      '<objectSet><obj type="VirtualMachine">vm-53</obj><skip>false</skip>' +
        '<selectSet xsi:type="TraversalSpec"><name>toParent</name><type>ManagedEntity</type><path>parent</path>' +
        '<skip>false</skip><selectSet xsi:type="SelectionSpec"><name>toParent</name></selectSet></selectSet>' +
        '<selectSet xsi:type="TraversalSpec"><name>toParentVApp</name><type>VirtualMachine</type>' +
        '<path>parentVApp</path><skip>false</skip><selectSet xsi:type="SelectionSpec"><name>toParent</name>' +
        '</selectSet></selectSet></objectSet>',
    );
    expect(body).toContain(
      '<propSet><type>ManagedEntity</type><pathSet>name</pathSet><pathSet>parent</pathSet></propSet>',
    );
  });

  it('builds the dcPath of a datacenter inside folders', async () => {
    const nested = (): string =>
      readFixture('retrieve-vm-state.vcsim.xml').replace(
        'type="Folder">group-d1</val></propSet></objects><objects><obj type="Folder">group-d1</obj>',
        'type="Folder">group-x</val></propSet></objects>' +
          '<objects><obj type="Folder">group-x</obj><propSet><name>name</name><val>emea west</val></propSet>' +
          '<propSet><name>parent</name><val type="Folder">group-d1</val></propSet></objects>' +
          '<objects><obj type="Folder">group-d1</obj>',
      );
    expect(nested()).toContain('group-x');
    const { ops } = await setup({ retrieve: { 'vm-state': [nested] } });
    const state = await ops.getVmState('vm-53');
    expect(state.datacenterName).toBe('DC0');
    expect(state.datacenterPath).toBe('emea west/DC0');
  });

  it('rejects a VM outside any datacenter as a protocol error', async () => {
    const orphan = (): string =>
      readFixture('retrieve-vm-state.vcsim.xml').replace(
        /<propSet><name>parent<\/name><val [^>]*type="Datacenter">datacenter-2<\/val><\/propSet>/,
        '',
      );
    expect(orphan()).not.toContain('type="Datacenter">datacenter-2</val>');
    const { ops } = await setup({ retrieve: { 'vm-state': [orphan] } });
    expect(await caught(ops.getVmState('vm-53'))).toBeInstanceOf(VSphereProtocolError);
  });
});

describe('VmOperations tasks', () => {
  it('enableChangeTracking sends ReconfigVM_Task with the spec and waits for the task', async () => {
    const { server, ops } = await setup({
      handlers: { ReconfigVM_Task: () => ({ body: readFixture('reconfig-vm-task.vcsim.xml') }) },
      retrieve: {
        task: [taskFixture('task-info-running.vcenter.xml'), taskFixture('task-info-success.vcsim.xml')],
      },
    });
    await ops.enableChangeTracking('vm-53');
    expect(requestBody(server, 'ReconfigVM_Task')).toBe(
      '<ReconfigVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-53</_this>' +
        '<spec><changeTrackingEnabled>true</changeTrackingEnabled></spec></ReconfigVM_Task>',
    );
    const polls = server.requests.filter((r) => r.method === 'RetrievePropertiesEx');
    expect(polls).toHaveLength(2);
    expect(polls[0]!.body).toContain('<obj type="Task">task-54</obj>');
  });

  it('createSnapshot sends name, description, memory=false, quiesce=false and returns the result moref', async () => {
    const { server, ops } = await setup({
      handlers: { CreateSnapshot_Task: () => ({ body: readFixture('create-snapshot-task.vcsim.xml') }) },
      retrieve: { task: [taskFixture('task-info-success.vcsim.xml')] },
    });
    expect(await ops.createSnapshot('vm-53', 'ffo-sync-1', 'R&D <first>')).toBe('snapshot-56');
    expect(requestBody(server, 'CreateSnapshot_Task')).toBe(
      '<CreateSnapshot_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-53</_this>' +
        '<name>ffo-sync-1</name><description>R&amp;D &lt;first&gt;</description>' +
        '<memory>false</memory><quiesce>false</quiesce></CreateSnapshot_Task>',
    );
  });

  it('removeSnapshot keeps children and consolidates', async () => {
    const { server, ops } = await setup({
      handlers: { RemoveSnapshot_Task: () => ({ body: readFixture('remove-snapshot-task.vcsim.xml') }) },
      retrieve: { task: [taskFixture('task-info-success.vcsim.xml')] },
    });
    await ops.removeSnapshot('snapshot-58');
    expect(requestBody(server, 'RemoveSnapshot_Task')).toBe(
      '<RemoveSnapshot_Task xmlns="urn:vim25"><_this type="VirtualMachineSnapshot">snapshot-58</_this>' +
        '<removeChildren>false</removeChildren><consolidate>true</consolidate></RemoveSnapshot_Task>',
    );
  });

  it('maps a task error to VSPHERE_TASK_FAILED with the fault type and its fields (recorded vcsim)', async () => {
    const { ops } = await setup({ retrieve: { task: [taskFixture('task-info-error.vcsim.xml')] } });
    const error = (await caught(ops.waitForTask('task-60'))) as FfoError;
    expect(error).toBeInstanceOf(FfoError);
    expect(error.code).toBe(ErrorCode.VSPHERE_TASK_FAILED);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('InvalidPowerState');
    expect(error.details).toMatchObject({
      taskMoid: 'task-60',
      faultType: 'InvalidPowerState',
      fault: { requestedState: 'poweredOn', existingState: 'poweredOn' },
    });
  });

  it('marks transient task faults retryable and names the operation (vCenter style)', async () => {
    const { ops } = await setup({ retrieve: { task: [taskFixture('task-info-error.vcenter.xml')] } });
    const error = (await caught(ops.waitForTask('task-1201'))) as FfoError;
    expect(error.code).toBe(ErrorCode.VSPHERE_TASK_FAILED);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'vSphere task task-1201 (VirtualMachine.createSnapshot) failed: TaskInProgress: ' +
        'The operation is not allowed in the current state.',
    );
    expect(error.details).toMatchObject({
      faultType: 'TaskInProgress',
      description: 'VirtualMachine.createSnapshot',
    });
  });

  it('gives up after the deadline with a retryable VSPHERE_TASK_FAILED', async () => {
    const { ops } = await setup({ retrieve: { task: [taskFixture('task-info-running.vcenter.xml')] } });
    const error = (await caught(ops.waitForTask('task-1201', 250))) as FfoError;
    expect(error.code).toBe(ErrorCode.VSPHERE_TASK_FAILED);
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ reason: 'timeout', taskMoid: 'task-1201' });
  });

  it('stops waiting with the abort reason', async () => {
    const { ops } = await setup({ retrieve: { task: [taskFixture('task-info-running.vcenter.xml')] } });
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    const waiting = caught(ops.waitForTask('task-1201', 60_000, controller.signal));
    controller.abort(reason);
    expect(await waiting).toBe(reason);
  });
});

describe('VmOperations snapshots', () => {
  it('findSnapshots walks the tree and filters by name prefix', async () => {
    const { ops } = await setup({ retrieve: { snapshots: [fixture('retrieve-vm-state.vcsim.xml')] } });
    expect(await ops.findSnapshots('vm-53', 'ffo-sync-')).toEqual([
      { moid: 'snapshot-56', name: 'ffo-sync-1' },
      { moid: 'snapshot-58', name: 'ffo-sync-2' },
    ]);
    expect(await ops.findSnapshots('vm-53', 'ffo-sync-2')).toEqual([
      { moid: 'snapshot-58', name: 'ffo-sync-2' },
    ]);
    expect(await ops.findSnapshots('vm-53', 'other')).toEqual([]);
  });

  it('findSnapshots of a VM without snapshots is empty', async () => {
    // No `snapshot` property at all: vSphere leaves unset properties out.
    const { ops } = await setup({ retrieve: { snapshots: [fixture('retrieve-power-state.vcsim.xml')] } });
    expect(await ops.findSnapshots('vm-53', '')).toEqual([]);
  });

  it('snapshotDisks reads the changeId recorded in the snapshot config', async () => {
    const { server, ops } = await setup({
      retrieve: { 'snapshot-devices': [fixture('retrieve-snapshot-devices.vcsim.xml')] },
    });
    expect(await ops.snapshotDisks('snapshot-56')).toEqual([
      {
        key: 203,
        changeId: 'fc3e1160-7f43-409f-a273-e1c6fcae9332/1',
        fileName: '[LocalDS_0] cbt01/cbt01.vmdk',
        capacityBytes: 64 * 1024 * 1024,
      },
    ]);
    expect(requestBody(server, 'RetrievePropertiesEx')).toContain(
      '<propSet><type>VirtualMachineSnapshot</type><pathSet>config.hardware.device</pathSet></propSet>' +
        '<objectSet><obj type="VirtualMachineSnapshot">snapshot-56</obj></objectSet>',
    );
  });
});

describe('VmOperations.queryChangedDiskAreas', () => {
  it('sends snapshot, deviceKey, startOffset, changeId and reads a recorded vcsim answer', async () => {
    const { server, ops } = await setup({
      handlers: {
        QueryChangedDiskAreas: () => ({ body: readFixture('query-changed-disk-areas-all.vcsim.xml') }),
      },
    });
    expect(await ops.queryChangedDiskAreas('vm-53', 'snapshot-56', 203, '*', 64 * 1024 * 1024)).toEqual([
      { start: 0, length: 65536 },
      { start: 10485760, length: 65536 },
    ]);
    expect(requestBody(server, 'QueryChangedDiskAreas')).toBe(
      '<QueryChangedDiskAreas xmlns="urn:vim25"><_this type="VirtualMachine">vm-53</_this>' +
        '<snapshot type="VirtualMachineSnapshot">snapshot-56</snapshot><deviceKey>203</deviceKey>' +
        '<startOffset>0</startOffset><changeId>*</changeId></QueryChangedDiskAreas>',
    );
  });

  it('pages through partial answers until the disk is covered and merges adjacent extents', async () => {
    const pages = [1, 2, 3].map((n) => readFixture(`query-changed-disk-areas-page${n}.vcenter.xml`));
    const { server, ops } = await setup({
      handlers: { QueryChangedDiskAreas: (_request, index) => ({ body: pages[index]! }) },
    });
    const capacity = 8 * 1024 ** 3;
    expect(await ops.queryChangedDiskAreas('vm-7', 'snapshot-9', 2000, '52 de 7a/12', capacity)).toEqual([
      { start: 0, length: 196608 },
      { start: 1073741824, length: 2097152 },
      // Ends page 1 and starts page 2: one extent.
      { start: 4294901760, length: 131072 },
      { start: 5368709120, length: 1048576 },
    ]);
    const offsets = server.requests
      .filter((r) => r.method === 'QueryChangedDiskAreas')
      .map((r) => /<startOffset>(\d+)<\/startOffset>/.exec(r.body)![1]);
    expect(offsets).toEqual(['0', '4294967296', '6442450944']);
    expect(server.requests.at(-1)!.body).toContain('<changeId>52 de 7a/12</changeId>');
  });

  it('fails instead of looping when an answer does not move forward', async () => {
    const stuck = readFixture('query-changed-disk-areas-page1.vcenter.xml').replace(
      '<length>4294967296</length>',
      '<length>0</length>',
    );
    const { ops } = await setup({ handlers: { QueryChangedDiskAreas: () => ({ body: stuck }) } });
    expect(
      await caught(ops.queryChangedDiskAreas('vm-7', 'snapshot-9', 2000, '*', 8 * 1024 ** 3)),
    ).toBeInstanceOf(VSphereProtocolError);
  });

  it('surfaces an unknown changeId as the server fault (recorded vcsim-cbt)', async () => {
    const { ops } = await setup({
      handlers: {
        QueryChangedDiskAreas: () => ({
          status: 500,
          body: readFixture('fault-query-changed-disk-areas-bad-change-id.vcsim.xml'),
        }),
      },
    });
    const error = await caught(ops.queryChangedDiskAreas('vm-53', 'snapshot-58', 203, 'bogus/1', 1 << 26));
    expect(error).toBeInstanceOf(VSphereFaultError);
    expect((error as VSphereFaultError).faultType).toBe('InvalidArgument');
  });
});

describe('VmOperations power', () => {
  it('powerOn of a powered-on VM does nothing', async () => {
    const { server, ops } = await setup({ retrieve: { power: [() => powerStateReply('poweredOn')] } });
    await ops.powerOn('vm-53');
    expect(server.methods()).not.toContain('PowerOnVM_Task');
  });

  it('powerOff runs PowerOffVM_Task and waits for it', async () => {
    const { server, ops } = await setup({
      handlers: { PowerOffVM_Task: () => ({ body: readFixture('power-off-vm-task.vcsim.xml') }) },
      retrieve: {
        power: [() => powerStateReply('poweredOn')],
        task: [taskFixture('task-info-success.vcsim.xml')],
      },
    });
    await ops.powerOff('vm-53');
    expect(requestBody(server, 'PowerOffVM_Task')).toBe(
      '<PowerOffVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-53</_this></PowerOffVM_Task>',
    );
    expect(server.requests.at(-1)!.body).toContain('<obj type="Task">task-61</obj>');
  });

  it('powerOn that loses a race (InvalidPowerState, VM on) still succeeds', async () => {
    const { ops } = await setup({
      handlers: { PowerOnVM_Task: () => ({ body: readFixture('power-on-vm-task.vcsim.xml') }) },
      retrieve: {
        power: [() => powerStateReply('poweredOff'), () => powerStateReply('poweredOn')],
        task: [taskFixture('task-info-error.vcsim.xml')],
      },
    });
    await ops.powerOn('vm-53');
  });

  it('powerOn that fails for another reason reports the task failure', async () => {
    const { ops } = await setup({
      handlers: { PowerOnVM_Task: () => ({ body: readFixture('power-on-vm-task.vcsim.xml') }) },
      retrieve: {
        power: [() => powerStateReply('poweredOff')],
        task: [taskFixture('task-info-error.vcsim.xml')],
      },
    });
    const error = (await caught(ops.powerOn('vm-53'))) as FfoError;
    expect(error.code).toBe(ErrorCode.VSPHERE_TASK_FAILED);
  });

  it('shutdownGuest calls ShutdownGuest once and waits for no task', async () => {
    const { server, ops } = await setup({
      handlers: { ShutdownGuest: () => ({ body: readFixture('shutdown-guest.vcsim.xml') }) },
      retrieve: { power: [() => powerStateReply('poweredOn')] },
    });
    await ops.shutdownGuest('vm-53');
    expect(requestBody(server, 'ShutdownGuest')).toBe(
      '<ShutdownGuest xmlns="urn:vim25"><_this type="VirtualMachine">vm-53</_this></ShutdownGuest>',
    );
    expect(server.requests.filter((r) => r.body.includes('<obj type="Task">'))).toHaveLength(0);
  });

  it('shutdownGuest racing a power off (InvalidPowerState fault, VM off) succeeds', async () => {
    const { ops } = await setup({
      handlers: {
        ShutdownGuest: () => ({
          status: 500,
          body: readFixture('fault-shutdown-guest-powered-off.vcsim.xml'),
        }),
      },
      retrieve: { power: [() => powerStateReply('poweredOn'), () => powerStateReply('poweredOff')] },
    });
    await ops.shutdownGuest('vm-53');
  });

  it('waitForPowerState polls until the state is reached, or returns false at the deadline', async () => {
    const { ops } = await setup({
      retrieve: {
        power: [
          () => powerStateReply('poweredOn'),
          () => powerStateReply('poweredOn'),
          () => powerStateReply('poweredOff'),
        ],
      },
    });
    expect(await ops.waitForPowerState('vm-53', 'poweredOff', 10_000)).toBe(true);
    expect(await ops.waitForPowerState('vm-53', 'poweredOn', 250)).toBe(false);
  });
});

describe('VimClient.sessionCookie', () => {
  it('is the vmware_soap_session value while logged in', async () => {
    const { client } = await setup({});
    expect(client.sessionCookie()).toBe('"sess-1"');
    await client.logout();
    expect(client.sessionCookie()).toBeNull();
  });
});

describe('datastore paths and URLs', () => {
  it('builds /folder URLs next to the SDK with encoded path, dcPath and dsName', () => {
    expect(datastoreFileUrl('https://vc.example.com/sdk', 'DC0', 'LocalDS_0', 'web01/web01-flat.vmdk')).toBe(
      'https://vc.example.com/folder/web01/web01-flat.vmdk?dcPath=DC0&dsName=LocalDS_0',
    );
    expect(
      datastoreFileUrl('http://127.0.0.1:8989/sdk/', 'emea west/DC 1', 'ds&1+x', 'été vm/a#b?.vmdk'),
    ).toBe(
      'http://127.0.0.1:8989/folder/%C3%A9t%C3%A9%20vm/a%23b%3F.vmdk?dcPath=emea%20west%2FDC%201&dsName=ds%261%2Bx',
    );
    // Credentials in the SDK URL never leak into the file URL; a proxy prefix is kept.
    expect(datastoreFileUrl('https://u:p@proxy:8443/vc1/sdk', 'dc', 'ds', '/x.vmdk')).toBe(
      'https://proxy:8443/vc1/folder/x.vmdk?dcPath=dc&dsName=ds',
    );
  });

  it('names the flat extent of a descriptor', () => {
    expect(flatFileOf('vm/vm.vmdk')).toBe('vm/vm-flat.vmdk');
    expect(flatFileOf('a b/data_1.VMDK')).toBe('a b/data_1-flat.vmdk');
    expect(() => flatFileOf('vm/vm.vmx')).toThrow(TypeError);
  });

  it('splits "[datastore] path"', () => {
    expect(parseDatastorePath('[ds 1] vm/vm.vmdk')).toEqual({ datastoreName: 'ds 1', path: 'vm/vm.vmdk' });
    expect(parseDatastorePath('vm/vm.vmdk')).toBeNull();
  });

  it('merges overlapping and adjacent extents and clips them to the disk', () => {
    expect(
      mergeExtents(
        [
          { start: 200, length: 100 },
          { start: 0, length: 100 },
          { start: 100, length: 50 },
          { start: 250, length: 10 },
          { start: 900, length: 200 },
          { start: 400, length: 0 },
        ],
        1000,
      ),
    ).toEqual([
      { start: 0, length: 150 },
      { start: 200, length: 100 },
      { start: 900, length: 100 },
    ]);
  });
});
