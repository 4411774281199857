import { randomUUID } from 'node:crypto';
import { graphql, type GraphQLSchema } from 'graphql';
import { apiContext, type ApiContext } from '../../src/api/api-context.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { writeTargetInventory } from '../../src/graph/target-writer.js';
import type { TargetInventory } from '../../src/providers/openstack/target-inventory-types.js';
import { RedisPubSub } from '../../src/pubsub/redis-pubsub.js';
import { MigrationPlanning } from '../../src/services/migration-planning.js';
import { SourceDiscovery } from '../../src/services/source-discovery.js';
import { fetchVSphereInventory } from '../../src/services/vsphere-inventory-fetcher.js';
import { govc, labConfig, openGraph, uniqueName } from './support/lab.js';
import { startPrivateVcsim, type PrivateVcsim } from './support/private-vcsim.js';

// Planning runs on the twin only. The source is a private simulator shaped for the cases; the target side is a
// crafted catalogue written through the same writer target discovery uses (the real-cloud path has its own test).
const PROJECT = 'proj-migration-0001';
const OTHER_PROJECT = 'proj-other-0002';

function catalogue(macInUse: string): TargetInventory {
  const flavor = (
    id: string,
    vcpus: number,
    ramMB: number,
    diskGB: number,
    extra: Partial<TargetInventory['flavors'][0]> = {},
  ) => ({
    id,
    name: id,
    vcpus,
    ramMB,
    diskGB,
    ephemeralGB: 0,
    isPublic: true,
    extraSpecs: {},
    accessProjectIds: [],
    ...extra,
  });
  return {
    authUrl: 'http://127.0.0.1:5000/v3',
    region: 'RegionOne',
    project: { id: PROJECT, name: 'migration', domainId: 'default' },
    flavors: [
      flavor('m1.small', 1, 2048, 20),
      flavor('m1.large', 4, 16384, 80),
      flavor('bfv.4-16', 4, 16384, 0),
      flavor('bfv.8-32', 8, 32768, 0),
      flavor('gpu.4-16', 4, 16384, 0, { extraSpecs: { 'resources:VGPU': '1' } }),
      flavor('priv.3-12', 3, 12288, 0, { isPublic: false, accessProjectIds: [OTHER_PROJECT] }),
      flavor('priv.3-14', 3, 14336, 0, { isPublic: false, accessProjectIds: [PROJECT] }),
    ],
    networks: [
      {
        id: 'net-app-id',
        name: 'net-app',
        projectId: PROJECT,
        external: false,
        shared: false,
        providerType: 'vlan',
        segmentationId: 100,
        status: 'ACTIVE',
      },
      {
        id: 'net-db-id',
        name: 'net-db',
        projectId: PROJECT,
        external: false,
        shared: false,
        providerType: 'vlan',
        segmentationId: 200,
        status: 'ACTIVE',
      },
    ],
    subnets: [
      {
        id: 'sub-app-id',
        name: 'sub-app',
        networkId: 'net-app-id',
        cidr: '10.10.0.0/24',
        ipVersion: 4,
        gatewayIp: '10.10.0.1',
        allocationPools: [['10.10.0.10', '10.10.0.200']],
      },
      {
        id: 'sub-db-id',
        name: 'sub-db',
        networkId: 'net-db-id',
        cidr: '10.20.0.0/24',
        ipVersion: 4,
        gatewayIp: '10.20.0.1',
        allocationPools: [],
      },
    ],
    ports: [
      {
        id: 'port-taken',
        networkId: 'net-db-id',
        macAddress: macInUse,
        fixedIps: [],
        deviceOwner: null,
        deviceId: null,
        status: 'DOWN',
        projectId: PROJECT,
      },
    ],
    volumeTypes: [
      { id: 'vt-standard', name: 'standard', isPublic: true, backendName: 'nfs' },
      { id: 'vt-fast', name: 'fast', isPublic: true, backendName: 'nfs' },
    ],
    images: [],
    quotas: [
      { projectId: PROJECT, service: 'compute', resource: 'instances', limit: 10, inUse: 1, reserved: 0 },
      { projectId: PROJECT, service: 'compute', resource: 'cores', limit: 12, inUse: 2, reserved: 0 },
      { projectId: PROJECT, service: 'compute', resource: 'ram', limit: 65536, inUse: 2048, reserved: 0 },
      { projectId: PROJECT, service: 'volume', resource: 'volumes', limit: -1, inUse: 0, reserved: 0 },
      { projectId: PROJECT, service: 'volume', resource: 'gigabytes', limit: 1000, inUse: 0, reserved: 0 },
      { projectId: PROJECT, service: 'network', resource: 'port', limit: 50, inUse: 1, reserved: 0 },
    ],
    capacity: {
      hypervisors: 1,
      vcpus: 64,
      vcpusUsed: 0,
      memoryMB: 262144,
      memoryMBUsed: 0,
      cpuAllocationRatio: 1,
      ramAllocationRatio: 1,
    },
  };
}

describe('target planning on the twin', () => {
  let config: AppConfig;
  let graph: GraphClient;
  let pubsub: RedisPubSub;
  let schema: GraphQLSchema;
  let vcsim: PrivateVcsim;
  let cloud: string;
  let context: ApiContext;
  const ids = new Map<string, string>();
  const names = {
    exact: uniqueName('exact'),
    nextUp: uniqueName('nextup'),
    huge: uniqueName('huge'),
  };

  const run = async (source: string, variables: Record<string, unknown> = {}) => {
    const result = await graphql({ schema, source, variableValues: variables, contextValue: context });
    return result;
  };

  beforeAll(async () => {
    config = labConfig();
    graph = await openGraph(config);
    pubsub = new RedisPubSub(config.redisUrl);
    schema = await buildSchema(graph.driver);
    vcsim = await startPrivateVcsim(['-dc', '1', '-cluster', '1', '-host', '1', '-vm', '0']);
    const env = vcsim.govcEnv;
    await govc(['dvs.portgroup.add', '-dvs', 'DVS0', '-vlan', '100', 'pg-app'], env);
    await govc(
      ['vm.create', '-on=false', '-host', 'DC0_H0', '-c', '4', '-m', '16384', '-net', 'pg-app', names.exact],
      env,
    );
    await govc(
      [
        'vm.create',
        '-on=false',
        '-host',
        'DC0_H0',
        '-c',
        '3',
        '-m',
        '12000',
        '-disk',
        '10GB',
        '-net',
        'VM Network',
        names.nextUp,
      ],
      env,
    );
    await govc(
      ['vm.create', '-on=false', '-host', 'DC0_H0', '-c', '64', '-m', '524288', '-net', 'pg-app', names.huge],
      env,
    );
    const vcName = uniqueName('planning-vc');
    const discovery = new SourceDiscovery(
      graph,
      pubsub,
      vcsim.asVCenter(config, vcName),
      fetchVSphereInventory,
    );
    const result = await discovery.run(await discovery.createRun(vcName), vcName);
    const listed = await graphql({
      schema,
      source: 'query($vc: ID!) { vms(where: { vcenterId: { eq: $vc } }) { id name nics { macAddress } } }',
      variableValues: { vc: result.vcenterId },
      contextValue: { jwt: {} },
    });
    const vms = (listed.data as { vms: { id: string; name: string; nics: { macAddress: string }[] }[] }).vms;
    for (const vm of vms) ids.set(vm.name, vm.id);
    cloud = uniqueName('cloud');
    const nextUpMac = vms.find((v) => v.name === names.nextUp)!.nics[0]!.macAddress;
    await writeTargetInventory(graph, cloud, catalogue(nextUpMac), randomUUID());
    context = apiContext({ subject: 'planning-test', roles: ['admin'], claims: {} }, {
      graph,
      planning: new MigrationPlanning(graph, config),
    } as unknown as ApiContext['services']);
  });

  afterAll(async () => {
    await pubsub?.close();
    await graph?.close();
    await vcsim?.stop();
  });

  it('matches flavors: exact fit prefers boot-from-volume, next size up, GPU and foreign private flavors excluded, none fits', async () => {
    const result = await run(
      `query($vms: [ID!]!, $cloud: String!) { flavorMatches(vms: $vms, cloud: $cloud) {
         vmName flavor { name waste bootFromVolume } reason alternatives { name } } }`,
      { vms: [ids.get(names.exact), ids.get(names.nextUp), ids.get(names.huge)], cloud },
    );
    expect(result.errors).toBeUndefined();
    const byName = new Map(
      (result.data!.flavorMatches as { vmName: string; reason: string }[]).map((m) => [m.vmName, m]),
    );
    expect(byName.get(names.exact)).toMatchObject({
      flavor: { name: 'bfv.4-16', waste: 0, bootFromVolume: true },
      alternatives: [{ name: 'm1.large' }, { name: 'bfv.8-32' }],
    });
    // 3 vCPU / 12000 MB: priv.3-12 is shared with another project only, priv.3-14 with ours; gpu.4-16 never.
    expect(byName.get(names.nextUp)).toMatchObject({ flavor: { name: 'priv.3-14' } });
    expect(JSON.stringify(byName.get(names.nextUp))).not.toContain('gpu.4-16');
    expect(JSON.stringify(byName.get(names.nextUp))).not.toContain('priv.3-12');
    expect(byName.get(names.nextUp)!.reason).toMatch(/^next size up/);
    expect(byName.get(names.huge)).toMatchObject({ flavor: null, alternatives: [] });
    expect(byName.get(names.huge)!.reason).toMatch(/no flavor .* >= 64 vCPU/);

    // The same answer on the VM itself.
    const onVm = await run(
      `query($id: ID!, $cloud: String!) { vms(where: { id: { eq: $id } }) { flavorMatch(cloud: $cloud) { flavor { name } } } }`,
      {
        id: ids.get(names.exact),
        cloud,
      },
    );
    expect(onVm.data).toEqual({ vms: [{ flavorMatch: { flavor: { name: 'bfv.4-16' } } }] });
  });

  it('validates overrides: an undersized flavor is refused, a fitting one wins', async () => {
    const setOverride = `mutation($vm: ID!, $cloud: String!, $f: ID!) { setFlavorOverride(vm: $vm, cloud: $cloud, flavor: $f) { flavor { name } overridden } }`;
    const refused = await run(setOverride, { vm: ids.get(names.exact), cloud, f: 'm1.small' });
    expect(refused.errors![0]!.originalError).toMatchObject({ code: 'FLAVOR_DOES_NOT_FIT' });
    const gpu = await run(setOverride, { vm: ids.get(names.exact), cloud, f: 'gpu.4-16' });
    expect(gpu.errors![0]!.originalError).toMatchObject({ code: 'FLAVOR_DOES_NOT_FIT' });
    const ok = await run(setOverride, { vm: ids.get(names.exact), cloud, f: 'bfv.8-32' });
    expect(ok.data!.setFlavorOverride).toEqual({ flavor: { name: 'bfv.8-32' }, overridden: true });
    await run(`mutation($vm: ID!, $cloud: String!) { clearFlavorOverride(vm: $vm, cloud: $cloud) }`, {
      vm: ids.get(names.exact),
      cloud,
    });
  });

  it('proposes network mappings by VLAN and name, lists gaps, and closes them when confirmed', async () => {
    // The lab estate has port groups named pg-app too: look at this simulator's own one.
    const pgApp = await run(
      `query($vc: ID!) { vms(where: { id: { eq: $vc } }) { nics { portGroup { id } } } }`,
      {
        vc: ids.get(names.exact),
      },
    );
    const pgAppId = (pgApp.data!.vms as { nics: { portGroup: { id: string }[] }[] }[])[0]!.nics[0]!
      .portGroup[0]!.id;
    const proposals = await run(
      `query($cloud: String!) { networkMappingProposals(cloud: $cloud) { portGroupId portGroupName networkName score reason } }`,
      { cloud },
    );
    const forApp = (proposals.data!.networkMappingProposals as { portGroupId: string }[]).filter(
      (p) => p.portGroupId === pgAppId,
    );
    expect(forApp).toEqual([
      {
        portGroupId: pgAppId,
        portGroupName: 'pg-app',
        networkName: 'net-app',
        score: 1,
        reason: 'same VLAN 100, name similarity 1.00',
      },
    ]);

    const vms = [ids.get(names.exact), ids.get(names.nextUp), ids.get(names.huge)];
    const gapsQuery = `query($cloud: String!, $vms: [ID!]) { networkMappingGaps(cloud: $cloud, vms: $vms) { portGroupName strandedVms } }`;
    const gaps = await run(gapsQuery, { cloud, vms });
    expect(gaps.data!.networkMappingGaps).toEqual([
      { portGroupName: 'pg-app', strandedVms: [names.exact, names.huge].sort() },
      { portGroupName: 'VM Network', strandedVms: [names.nextUp] },
    ]);

    // Readiness before anything is mapped: unmapped networks block.
    const before = await run(
      `query($cloud: String!, $vms: [ID!]) { migrationReadiness(cloud: $cloud, vms: $vms) { vmName ready concerns { code severity } } }`,
      {
        cloud,
        vms: [ids.get(names.exact)],
      },
    );
    expect(before.data!.migrationReadiness).toEqual([
      expect.objectContaining({
        ready: false,
        concerns: expect.arrayContaining([{ code: 'NETWORK_UNMAPPED', severity: 'blocker' }]),
      }),
    ]);

    const mapped = await run(
      `mutation($pg: ID!, $net: ID!) { mapPortGroup(portGroup: $pg, network: $net) { portGroupName networkName subnetId } }`,
      {
        pg: pgAppId,
        net: `${cloud}/net-app-id`,
      },
    );
    expect(mapped.data!.mapPortGroup).toEqual({
      portGroupName: 'pg-app',
      networkName: 'net-app',
      subnetId: `${cloud}/sub-app-id`,
    });
    const wrongSubnet = await run(
      `mutation($pg: ID!, $net: ID!) { mapPortGroup(portGroup: $pg, network: $net, subnet: "sub-db") { networkName } }`,
      {
        pg: pgAppId,
        net: `${cloud}/net-app-id`,
      },
    );
    expect(wrongSubnet.errors![0]!.originalError).toMatchObject({ code: 'BAD_INPUT' });
    const after = await run(gapsQuery, { cloud, vms });
    expect(after.data!.networkMappingGaps).toEqual([
      { portGroupName: 'VM Network', strandedVms: [names.nextUp] },
    ]);
  });

  it('pre-flight finds a MAC already used in the target and a fixed IP outside the subnet', async () => {
    const readiness = `query($cloud: String!, $vms: [ID!]) { migrationReadiness(cloud: $cloud, vms: $vms) { vmName ready concerns { code severity message } } }`;
    const nextUp = await run(readiness, { cloud, vms: [ids.get(names.nextUp)] });
    const codes = (nextUp.data!.migrationReadiness as { concerns: { code: string }[] }[])[0]!.concerns.map(
      (c) => c.code,
    );
    expect(codes).toEqual(expect.arrayContaining(['MAC_CLASH', 'NETWORK_UNMAPPED', 'STORAGE_UNMAPPED']));

    const nic = await run(`query($id: ID!) { vms(where: { id: { eq: $id } }) { nics { id } } }`, {
      id: ids.get(names.exact),
    });
    const nicId = (nic.data!.vms as { nics: { id: string }[] }[])[0]!.nics[0]!.id;
    const bad = await run(
      `mutation($nic: ID!) { planNicAddress(nic: $nic, fixedIp: "not-an-ip") { fixedIp } }`,
      { nic: nicId },
    );
    expect(bad.errors![0]!.originalError).toMatchObject({ code: 'BAD_INPUT' });
    await run(`mutation($nic: ID!) { planNicAddress(nic: $nic, fixedIp: "192.168.7.7") { fixedIp } }`, {
      nic: nicId,
    });
    await run(
      `mutation($cloud: String!) { setDefaultVolumeType(cloud: $cloud, volumeType: "standard") { volumeTypeName } }`,
      { cloud },
    );
    const exact = await run(readiness, { cloud, vms: [ids.get(names.exact)] });
    const concerns = (
      exact.data!.migrationReadiness as { concerns: { code: string; message: string }[] }[]
    )[0]!.concerns;
    expect(concerns.find((c) => c.code === 'FIXED_IP_OUTSIDE_SUBNET')?.message).toContain('10.10.0.0/24');
    expect(concerns.map((c) => c.code)).not.toContain('STORAGE_UNMAPPED');

    await run(`mutation($nic: ID!) { planNicAddress(nic: $nic, fixedIp: "10.10.0.50") { fixedIp } }`, {
      nic: nicId,
    });
    const fixed = await run(readiness, { cloud, vms: [ids.get(names.exact)] });
    expect(fixed.data!.migrationReadiness).toEqual([expect.objectContaining({ ready: true })]);
  });

  it('finds a quota shortfall in the capacity report before anything is created', async () => {
    const report = await run(
      `query($cloud: String!, $vms: [ID!]) { capacityReport(cloud: $cloud, vms: $vms) {
        fits vmsNotFitting vmsWithoutFlavor lines { service resource planned limit inUse available shortfall } } }`,
      {
        cloud,
        vms: [ids.get(names.exact), ids.get(names.nextUp), ids.get(names.huge)],
      },
    );
    expect(report.errors).toBeUndefined();
    const r = report.data!.capacityReport as {
      fits: boolean;
      vmsNotFitting: string[];
      vmsWithoutFlavor: string[];
      lines: { resource: string; planned: number; available: number | null; shortfall: number }[];
    };
    // cores: 12 limit - 2 in use = 10 available; 4 (bfv.4-16) + 3 (priv.3-14) = 7 planned, the 64-vCPU VM has no flavor.
    expect(r.vmsWithoutFlavor).toEqual([names.huge]);
    expect(r.lines.find((l) => l.resource === 'cores')).toMatchObject({
      planned: 7,
      available: 10,
      shortfall: 0,
    });
    expect(r.fits).toBe(false);

    // Tighten: both 4-vCPU and 3-vCPU VMs cannot fit in 5 free cores: the second one is reported.
    await writeTargetInventory(
      graph,
      cloud,
      {
        ...catalogue('00:00:00:00:00:01'),
        quotas: [
          { projectId: PROJECT, service: 'compute', resource: 'cores', limit: 7, inUse: 2, reserved: 0 },
        ],
      },
      randomUUID(),
    );
    const tight = await run(
      `query($cloud: String!, $vms: [ID!]) { capacityReport(cloud: $cloud, vms: $vms) { fits vmsNotFitting lines { resource shortfall } } }`,
      {
        cloud,
        vms: [ids.get(names.exact), ids.get(names.nextUp)],
      },
    );
    expect(tight.data!.capacityReport).toMatchObject({ fits: false, vmsNotFitting: [names.nextUp] });
    expect(
      (tight.data!.capacityReport as { lines: { resource: string; shortfall: number }[] }).lines.find(
        (l) => l.resource === 'cores',
      )!.shortfall,
    ).toBe(2);
  });

  it('confirms the strong proposals in one go and summarises readiness', async () => {
    const fresh = uniqueName('cloud');
    await writeTargetInventory(graph, fresh, catalogue('00:00:00:00:00:02'), randomUUID());
    const confirmed = await run(
      `mutation($cloud: String!) { confirmNetworkMappingProposals(cloud: $cloud, minScore: 0.9) { portGroupId portGroupName networkName } }`,
      { cloud: fresh },
    );
    expect(confirmed.errors).toBeUndefined();
    const results = confirmed.data!.confirmNetworkMappingProposals as {
      portGroupName: string;
      networkName: string;
    }[];
    // Only VLAN-and-name matches reach 0.9 (the lab estate's pg-db finds net-db too); "VM Network" has none.
    expect(results).toEqual(
      expect.arrayContaining([expect.objectContaining({ portGroupName: 'pg-app', networkName: 'net-app' })]),
    );
    expect(
      results.every((r) =>
        `${r.portGroupName}>${r.networkName}`
          .replace('pg-', 'net-')
          .split('>')
          .every((x, _, a) => x === a[0]),
      ),
    ).toBe(true);
    expect(results.map((r) => r.portGroupName)).not.toContain('VM Network');
    const summary = await run(
      `query($cloud: String!, $vms: [ID!]) { migrationReadinessSummary(cloud: $cloud, vms: $vms) { vms ready blocked byConcern { key count } } }`,
      { cloud: fresh, vms: [ids.get(names.exact), ids.get(names.nextUp), ids.get(names.huge)] },
    );
    const s = summary.data!.migrationReadinessSummary as {
      vms: number;
      ready: number;
      blocked: number;
      byConcern: { key: string; count: number }[];
    };
    expect(s.vms).toBe(3);
    expect(s.ready + s.blocked).toBe(3);
    expect(s.byConcern).toEqual(
      expect.arrayContaining([
        { key: 'blocker:NO_FLAVOR_FITS', count: 1 },
        { key: 'blocker:NETWORK_UNMAPPED', count: 1 },
      ]),
    );
  });
});
