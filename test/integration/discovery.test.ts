import { RedisPubSub } from '../../src/pubsub/redis-pubsub.js';
import { SourceDiscovery } from '../../src/services/source-discovery.js';
import { fetchVSphereInventory } from '../../src/services/vsphere-inventory-fetcher.js';
import { discoveryProgressEvents, type DiscoveryProgress } from '../../src/services/discovery-progress.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import { graphql, type GraphQLSchema } from 'graphql';
import { govc, labConfig, openGraph, uniqueName } from './support/lab.js';
import { startPrivateVcsim, type PrivateVcsim } from './support/private-vcsim.js';

interface GovcDevice {
  Key: number;
  CapacityInKB?: number;
  MacAddress?: string;
  Backing?: {
    FileName?: string;
    ThinProvisioned?: boolean;
    DeviceName?: string;
    Port?: { PortgroupKey?: string };
  };
}
interface GovcVm {
  Self: { Value: string };
  Name: string;
  Config: {
    GuestId: string;
    Firmware: string;
    ChangeTrackingEnabled: boolean | null;
    Hardware: { NumCPU: number; MemoryMB: number; Device: GovcDevice[] };
  };
  Runtime: { PowerState: string; Host: { Value: string } };
}

interface TwinVm {
  moid: string;
  name: string;
  numCpu: number;
  memoryMB: number;
  guestId: string | null;
  powerState: string;
  firmware: string | null;
  changeTrackingEnabled: boolean;
  host: { moid: string }[];
  disks: { key: number; fileName: string; capacityBytes: number; thinProvisioned: boolean }[];
  nics: {
    key: number;
    macAddress: string;
    portGroup: { name: string; key: string | null; kind: string }[];
  }[];
}

const VM_FIELDS = `moid name numCpu memoryMB guestId powerState firmware changeTrackingEnabled
  host { moid } disks { key fileName capacityBytes thinProvisioned } nics { key macAddress portGroup { name key kind } }`;

async function twinVms(schema: GraphQLSchema, vcenterId: string): Promise<TwinVm[]> {
  const result = await graphql({
    schema,
    source: `query($vc: ID!) { vms(where: { vcenterId: { eq: $vc }, removedAt: { eq: null } }) { ${VM_FIELDS} } }`,
    variableValues: { vc: vcenterId },
    contextValue: { jwt: {} },
  });
  if (result.errors) throw result.errors[0];
  return (result.data as { vms: TwinVm[] }).vms;
}

/** The same VM as govc sees it, in the twin's terms. */
function expectedFromGovc(vm: GovcVm) {
  const devices = vm.Config.Hardware.Device;
  return {
    moid: vm.Self.Value,
    name: vm.Name,
    numCpu: vm.Config.Hardware.NumCPU,
    memoryMB: vm.Config.Hardware.MemoryMB,
    guestId: vm.Config.GuestId,
    powerState: vm.Runtime.PowerState,
    firmware: vm.Config.Firmware,
    changeTrackingEnabled: vm.Config.ChangeTrackingEnabled ?? false,
    hostMoid: vm.Runtime.Host.Value,
    disks: devices
      .filter((d) => d.CapacityInKB !== undefined && d.Backing?.FileName)
      .map((d) => ({
        key: d.Key,
        fileName: d.Backing!.FileName!,
        capacityBytes: d.CapacityInKB! * 1024,
        thinProvisioned: d.Backing!.ThinProvisioned ?? false,
      }))
      .sort((a, b) => a.key - b.key),
    nics: devices
      .filter((d) => d.MacAddress)
      .map((d) => ({
        key: d.Key,
        macAddress: d.MacAddress!,
        portGroup: d.Backing?.Port?.PortgroupKey ?? d.Backing?.DeviceName ?? null,
      }))
      .sort((a, b) => a.key - b.key),
  };
}

function actualFromTwin(vm: TwinVm) {
  return {
    moid: vm.moid,
    name: vm.name,
    numCpu: vm.numCpu,
    memoryMB: vm.memoryMB,
    guestId: vm.guestId,
    powerState: vm.powerState,
    firmware: vm.firmware,
    changeTrackingEnabled: vm.changeTrackingEnabled,
    hostMoid: vm.host[0]?.moid ?? null,
    disks: [...vm.disks].sort((a, b) => a.key - b.key),
    nics: [...vm.nics]
      .sort((a, b) => a.key - b.key)
      .map((n) => ({
        key: n.key,
        macAddress: n.macAddress,
        portGroup: n.portGroup[0]
          ? n.portGroup[0].kind === 'distributed'
            ? n.portGroup[0].key
            : n.portGroup[0].name
          : null,
      })),
  };
}

describe('source discovery against the lab vCenter', () => {
  let config: AppConfig;
  let graph: GraphClient;
  let pubsub: RedisPubSub;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    config = labConfig();
    graph = await openGraph(config);
    pubsub = new RedisPubSub(config.redisUrl);
    schema = await buildSchema(graph.driver);
  });

  afterAll(async () => {
    await pubsub.close();
    await graph.close();
  });

  it('discovers the seeded estate (>= 500 VMs) and matches govc field by field', async () => {
    const discovery = new SourceDiscovery(graph, pubsub, config, fetchVSphereInventory);
    const runId = await discovery.createRun('lab');
    const events: DiscoveryProgress[] = [];
    const stream = discoveryProgressEvents(pubsub, runId);
    const collected = (async () => {
      for await (const e of stream) events.push(e);
    })();
    const result = await discovery.run(runId, 'lab');
    await collected;

    expect(result.vmsTotal).toBeGreaterThanOrEqual(500);
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: true, vmsWritten: result.vmsTotal });
    expect(events.some((e) => e.phase === 'writing')).toBe(true);

    const paths = (await govc<string>(['find', '/', '-type', 'm'])).split('\n').filter(Boolean);
    const info = await govc<{ VirtualMachines: GovcVm[] }>(['vm.info', '-json', ...paths]);
    const expected = new Map(info.VirtualMachines.map((vm) => [vm.Self.Value, expectedFromGovc(vm)]));
    const actual = new Map(
      (await twinVms(schema, result.vcenterId)).map((vm) => [vm.moid, actualFromTwin(vm)]),
    );

    expect(actual.size).toBe(expected.size);
    expect(expected.size).toBe(result.vmsTotal);
    for (const [moid, want] of expected) expect(actual.get(moid)).toEqual(want);

    // Variety the seed promises, as the twin sees it.
    const vms = [...actual.values()];
    expect(new Set(vms.map((v) => v.powerState))).toEqual(new Set(['poweredOn', 'poweredOff', 'suspended']));
    expect(Math.max(...vms.map((v) => v.disks.length))).toBeGreaterThanOrEqual(3);
    expect(Math.max(...vms.map((v) => v.nics.length))).toBeGreaterThanOrEqual(3);
  });

  describe('re-discovery of a changing vCenter', () => {
    let vcsim: PrivateVcsim;
    let name: string;
    let privateConfig: AppConfig;

    beforeAll(async () => {
      vcsim = await startPrivateVcsim();
      name = uniqueName('rediscover');
      privateConfig = vcsim.asVCenter(config, name);
    });

    afterAll(async () => {
      await vcsim.stop();
    });

    it('updates changed VMs in place, adds new ones and marks vanished ones removed', async () => {
      const discovery = new SourceDiscovery(graph, pubsub, privateConfig, fetchVSphereInventory);
      const first = await discovery.run(await discovery.createRun(name), name);
      expect(first.vcenterId).toBe(vcsim.instanceUuid);
      expect(first.vmsAdded).toBe(first.vmsTotal);

      const again = await discovery.run(await discovery.createRun(name), name);
      expect(again).toMatchObject({
        vmsAdded: 0,
        vmsUpdated: 0,
        vmsUnchanged: first.vmsTotal,
        vmsRemoved: 0,
      });

      const before = new Map((await twinVms(schema, first.vcenterId)).map((vm) => [vm.name, vm]));
      const [changed, removed] = [...before.keys()].sort();
      const env = vcsim.govcEnv;
      await govc(['vm.change', '-vm', changed!, '-c', '4', '-m', '8192'], env);
      await govc(['vm.network.add', '-vm', changed!, '-net', 'VM Network', '-net.adapter', 'e1000e'], env);
      await govc(['vm.destroy', removed!], env);
      const newName = uniqueName('brand-new-vm');
      await govc(
        ['vm.create', '-on=false', '-host', 'DC0_H0', '-c', '2', '-m', '2048', '-net', 'VM Network', newName],
        env,
      );

      const third = await discovery.run(await discovery.createRun(name), name);
      expect(third).toMatchObject({
        vmsAdded: 1,
        vmsUpdated: 1,
        vmsRemoved: 1,
        vmsUnchanged: first.vmsTotal - 2,
      });

      const after = new Map((await twinVms(schema, first.vcenterId)).map((vm) => [vm.name, vm]));
      expect(after.has(removed!)).toBe(false);
      expect(after.get(newName)).toMatchObject({ numCpu: 2, memoryMB: 2048 });
      expect(after.get(changed!)).toMatchObject({ numCpu: 4, memoryMB: 8192 });
      expect(after.get(changed!)!.nics).toHaveLength(before.get(changed!)!.nics.length + 1);

      // The vanished VM is kept for audit with removedAt, and its revision history shows the change.
      const audit = await graphql({
        schema,
        source: `query($vc: ID!, $n: String!) { vms(where: { vcenterId: { eq: $vc }, name: { eq: $n } }) { removedAt revision } }`,
        variableValues: { vc: first.vcenterId, n: removed },
        contextValue: { jwt: {} },
      });
      const kept = (audit.data as { vms: { removedAt: string | null; revision: number }[] }).vms;
      expect(kept).toHaveLength(1);
      expect(kept[0]!.removedAt).not.toBeNull();

      const runs = await graphql({
        schema,
        source: `query($vc: ID!) { vCenters(where: { id: { eq: $vc } }) { name discoveryRuns { status vmsAdded vmsRemoved durationMs } } }`,
        variableValues: { vc: first.vcenterId },
        contextValue: { jwt: {} },
      });
      const vcs = (runs.data as { vCenters: { name: string; discoveryRuns: { status: string }[] }[] })
        .vCenters;
      expect(vcs[0]!.name).toBe(name);
      expect(vcs[0]!.discoveryRuns.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    });

    it('runs one discovery per vCenter at a time; the other is refused as retryable', async () => {
      const discovery = new SourceDiscovery(graph, pubsub, privateConfig, fetchVSphereInventory);
      const runs = [await discovery.createRun(name), await discovery.createRun(name)];
      const outcomes = await Promise.allSettled(runs.map((runId) => discovery.run(runId, name)));
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.reason).toMatchObject({ code: 'DISCOVERY_IN_PROGRESS', retryable: true });
      // The lock is released: the next run goes through.
      await expect(discovery.run(await discovery.createRun(name), name)).resolves.toMatchObject({
        vmsAdded: 0,
      });
    });

    it('fails a run with a stable code when the password is wrong, and records it', async () => {
      const bad = vcsim.asVCenter(config, name, 'wrong');
      const discovery = new SourceDiscovery(graph, pubsub, bad, fetchVSphereInventory);
      const runId = await discovery.createRun(name);
      await expect(discovery.run(runId, name)).rejects.toMatchObject({ code: 'VSPHERE_LOGIN_FAILED' });
      const run = await graphql({
        schema,
        source: `query($id: ID!) { discoveryRuns(where: { id: { eq: $id } }) { status errorCode } }`,
        variableValues: { id: runId },
        contextValue: { jwt: {} },
      });
      expect((run.data as { discoveryRuns: unknown[] }).discoveryRuns).toEqual([
        { status: 'failed', errorCode: 'VSPHERE_LOGIN_FAILED' },
      ]);
    });
  });
});
