import { randomUUID } from 'node:crypto';
import { graphql, type GraphQLSchema } from 'graphql';
import { apiContext, type ApiContext } from '../../src/api/api-context.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import { type AppConfig, cloudCredentials } from '../../src/config/app-config.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { KeystoneAuth } from '../../src/providers/openstack/keystone-auth.js';
import type { OpenStackClient } from '../../src/providers/openstack/openstack-client.js';
import { OpenStackHttp } from '../../src/providers/openstack/openstack-http.js';
import { RedisPubSub } from '../../src/pubsub/redis-pubsub.js';
import { MigrationPlanning } from '../../src/services/migration-planning.js';
import {
  fetchOpenStackInventory,
  openStackClientFor,
} from '../../src/services/openstack-inventory-fetcher.js';
import { SourceDiscovery } from '../../src/services/source-discovery.js';
import { TargetDiscovery } from '../../src/services/target-discovery.js';
import { fetchVSphereInventory } from '../../src/services/vsphere-inventory-fetcher.js';
import { labConfig, openGraph, uniqueName } from './support/lab.js';
import { startPrivateVcsim, type PrivateVcsim } from './support/private-vcsim.js';

// The real mini-OpenStack of the lab (Keystone, Nova fake driver, Neutron, Cinder NFS, Glance, Placement).
describe('target cloud on the lab OpenStack', () => {
  let config: AppConfig;
  let graph: GraphClient;
  let pubsub: RedisPubSub;
  let schema: GraphQLSchema;
  let client: OpenStackClient;
  let vcsim: PrivateVcsim;
  let context: ApiContext;
  let vmId: string;
  let vmIds: string[];
  let vmMac: string;
  const cloud = 'lab';

  const run = async (source: string, variables: Record<string, unknown> = {}) =>
    graphql({ schema, source, variableValues: variables, contextValue: context });
  const discoverTarget = async (cfg: AppConfig, name: string) => {
    const discovery = new TargetDiscovery(graph, pubsub, cfg, fetchOpenStackInventory);
    return discovery.run(await discovery.createRun(name), name);
  };

  beforeAll(async () => {
    config = labConfig();
    if (!config.clouds.has(cloud))
      throw new Error('the lab OpenStack is not configured (ffo lab up starts it)');
    graph = await openGraph(config);
    pubsub = new RedisPubSub(config.redisUrl);
    schema = await buildSchema(graph.driver);
    client = openStackClientFor(cloudCredentials(config, cloud));
    context = apiContext({ subject: 'openstack-test', roles: ['admin'], claims: {} }, {
      graph,
      planning: new MigrationPlanning(graph, config),
    } as unknown as ApiContext['services']);
    // A source VM of our own whose MAC we can collide with.
    vcsim = await startPrivateVcsim(['-dc', '1', '-cluster', '1', '-host', '1', '-vm', '2']);
    const vcName = uniqueName('os-vc');
    const source = new SourceDiscovery(graph, pubsub, vcsim.asVCenter(config, vcName), fetchVSphereInventory);
    const discovered = await source.run(await source.createRun(vcName), vcName);
    const vms = await graphql({
      schema,
      source:
        'query($vc: ID!) { vms(where: { vcenterId: { eq: $vc } }, sort: [{ name: ASC }]) { id nics { macAddress } } }',
      variableValues: { vc: discovered.vcenterId },
      contextValue: { jwt: {} },
    });
    const all = (vms.data as { vms: { id: string; nics: { macAddress: string }[] }[] }).vms;
    vmIds = all.map((v) => v.id);
    const vm = all[0]!;
    vmId = vm.id;
    vmMac = vm.nics[0]!.macAddress;
  });

  afterAll(async () => {
    await client?.close();
    await pubsub?.close();
    await graph?.close();
    await vcsim?.stop();
  });

  it('discovers the cloud into the twin, matching what the APIs list', async () => {
    const result = await discoverTarget(config, cloud);
    const flavors = await client.listFlavors();
    const networks = await client.listNetworks();
    expect(result.flavors).toBe(flavors.length);
    const twin = await run(
      `query($c: ID!) { flavors(where: { cloudId: { eq: $c }, removedAt: { eq: null } }) { name vcpus ramMB diskGB requiresGpu isPublic }
                       networks(where: { cloudId: { eq: $c }, removedAt: { eq: null } }) { name segmentationId subnets { cidr } }
                       volumeTypes(where: { cloudId: { eq: $c }, removedAt: { eq: null } }) { name }
                       quotas(where: { id: { startsWith: $c } }) { service resource limit } }`,
      { c: cloud },
    );
    expect(twin.errors).toBeUndefined();
    const data = twin.data as {
      flavors: {
        name: string;
        vcpus: number;
        ramMB: number;
        diskGB: number;
        requiresGpu: boolean;
        isPublic: boolean;
      }[];
      networks: { name: string; segmentationId: number | null; subnets: { cidr: string }[] }[];
      volumeTypes: { name: string }[];
      quotas: { service: string; resource: string; limit: number }[];
    };
    const expected = flavors
      .map((f) => ({ name: f.name ?? f.id, vcpus: f.vcpus, ramMB: f.ram, diskGB: f.disk }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(
      data.flavors
        .map(({ name, vcpus, ramMB, diskGB }) => ({ name, vcpus, ramMB, diskGB }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual(expected);
    expect(data.flavors.find((f) => f.name === 'gpu.8-64')).toMatchObject({ requiresGpu: true });
    expect(data.flavors.find((f) => f.name === 'mig.bfv.16-64')).toMatchObject({ isPublic: false });
    expect(data.networks.map((n) => n.name).sort()).toEqual(networks.map((n) => n.name).sort());
    expect(data.networks.find((n) => n.name === 'net-app')).toMatchObject({
      segmentationId: 100,
      subnets: [{ cidr: '10.10.100.0/24' }],
    });
    expect(data.volumeTypes.map((t) => t.name).sort()).toEqual(expect.arrayContaining(['fast', 'standard']));
    expect(data.quotas).toEqual(
      expect.arrayContaining([{ service: 'compute', resource: 'cores', limit: 64 }]),
    );
  });

  it('creates a real Neutron port with the source MAC, and pre-flight then reports the clash', async () => {
    const [netApp] = (await client.listNetworks()).filter((n) => n.name === 'net-app');
    const port = await client.createPort({
      network_id: netApp!.id,
      mac_address: vmMac,
      name: uniqueName('ffo-test-port'),
    });
    try {
      expect(port.mac_address).toBe(vmMac);
      // A second port with the same MAC on the network is refused by Neutron (409).
      await expect(client.createPort({ network_id: netApp!.id, mac_address: vmMac })).rejects.toMatchObject({
        status: 409,
      });
      await discoverTarget(config, cloud);
      const readiness = await run(
        `query($vm: ID!) { migrationReadiness(cloud: "lab", vms: [$vm]) { concerns { code message } } }`,
        { vm: vmId },
      );
      const concerns = (
        readiness.data!.migrationReadiness as { concerns: { code: string; message: string }[] }[]
      )[0]!.concerns;
      expect(concerns.find((c) => c.code === 'MAC_CLASH')?.message).toContain(port.id);
    } finally {
      await client.deletePort(port.id);
    }
    await discoverTarget(config, cloud);
    const after = await run(
      `query($vm: ID!) { migrationReadiness(cloud: "lab", vms: [$vm]) { concerns { code } } }`,
      { vm: vmId },
    );
    expect(JSON.stringify(after.data)).not.toContain('MAC_CLASH');
  });

  it('maps OpenStack errors to typed errors with status and request id', async () => {
    const missing = await client.getPort(randomUUID()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404, service: 'network' });
    expect((missing as { requestId: string | null }).requestId).toMatch(/^req-/);
  });

  it('refreshes the Keystone token before it expires, and reuses it otherwise', async () => {
    const { endpoint, password } = cloudCredentials(config, cloud);
    const http = new OpenStackHttp({});
    const credentials = {
      username: endpoint.username,
      password,
      userDomainName: endpoint.userDomainName,
      projectName: endpoint.projectName,
      projectDomainName: endpoint.projectDomainName,
    };
    try {
      // Keystone's real tokens, with our clock moved: fresh → reused; inside the refresh margin → renewed.
      let offset = 0;
      const auth = new KeystoneAuth({
        authUrl: endpoint.authUrl,
        credentials,
        transport: http,
        clock: () => Date.now() + offset,
      });
      const first = await auth.getToken();
      expect((await auth.getToken()).value).toBe(first.value);
      expect(auth.authentications).toBe(1);
      expect(first.expiresAt).toBeGreaterThan(Date.now());
      offset = first.expiresAt! - Date.now() - 30_000; // 30 s before expiry, inside the default 60 s margin
      const renewed = await auth.getToken();
      expect(renewed.value).not.toBe(first.value);
      expect(auth.authentications).toBe(2);
    } finally {
      await http.close();
    }
  });

  it('finds a quota shortfall in the tight analytics project before any resource is created', async () => {
    const analytics: AppConfig = {
      ...config,
      clouds: new Map([
        ['lab-analytics', { ...config.clouds.get(cloud)!, name: 'lab-analytics', projectName: 'analytics' }],
      ]),
    };
    await discoverTarget(analytics, 'lab-analytics');
    const serversBefore = (await client.listServers()).length;
    // Four VMs against a quota of three instances (6 cores, 12 GiB): the fourth cannot be placed.
    const report = await run(
      `query($vms: [ID!]) { capacityReport(cloud: "lab-analytics", vms: $vms) { fits vmsNotFitting lines { service resource planned available shortfall } } }`,
      { vms: vmIds },
    );
    expect(report.errors).toBeUndefined();
    const r = report.data!.capacityReport as {
      fits: boolean;
      vmsNotFitting: string[];
      lines: { resource: string; planned: number; available: number | null; shortfall: number }[];
    };
    expect(vmIds).toHaveLength(4);
    expect(r.fits).toBe(false);
    const instances = r.lines.find((l) => l.resource === 'instances')!;
    expect(instances).toMatchObject({ planned: 4 });
    expect(instances.available).toBeLessThanOrEqual(3);
    expect(instances.shortfall).toBeGreaterThanOrEqual(1);
    expect(r.vmsNotFitting.length).toBe(instances.shortfall);
    expect((await client.listServers()).length).toBe(serversBefore);

    // And the cloud agrees: Nova refuses an 8-vCPU server in that project with a 403 quota error.
    const scoped = openStackClientFor(cloudCredentials(analytics, 'lab-analytics'));
    try {
      const xlarge = (await scoped.listFlavors()).find((f) => f.name === 'm1.xlarge')!;
      // A real (tiny) image of the project's own, so the request is valid and only the quota can refuse it.
      const image = await scoped.createImage({
        name: uniqueName('quota-probe'),
        disk_format: 'raw',
        container_format: 'bare',
        visibility: 'private',
      });
      try {
        await scoped.uploadImageData(image.id, new Uint8Array(1024 * 1024));
        const attempt = await scoped
          .createServer({
            name: uniqueName('over-quota'),
            flavorRef: xlarge.id,
            imageRef: image.id,
            networks: 'none',
          })
          .catch((e: unknown) => e);
        if (!(attempt instanceof Error)) await scoped.deleteServer((attempt as { id: string }).id);
        expect(attempt).toMatchObject({ code: 'OPENSTACK_QUOTA_EXCEEDED', status: 403, service: 'compute' });
        expect((attempt as { requestId: string | null }).requestId).toMatch(/^req-/);
      } finally {
        await scoped.deleteImage(image.id);
      }
    } finally {
      await scoped.close();
    }
  });

  it('auto-creates a right-sized flavor only when enabled, and records it in the twin', async () => {
    const mutation = `mutation($vm: ID!) { autoCreateFlavor(vm: $vm, cloud: "lab") { flavor { name vcpus ramMB bootFromVolume waste } } }`;
    const refused = await run(mutation, { vm: vmId });
    expect(refused.errors![0]!.originalError).toMatchObject({ code: 'FORBIDDEN' });

    const enabled: AppConfig = {
      ...config,
      clouds: new Map([[cloud, { ...config.clouds.get(cloud)!, autoCreateFlavors: true }]]),
    };
    const optedIn: ApiContext = {
      ...context,
      services: {
        graph,
        planning: new MigrationPlanning(graph, enabled),
      } as unknown as ApiContext['services'],
    };
    const created = await graphql({
      schema,
      source: mutation,
      variableValues: { vm: vmId },
      contextValue: optedIn,
    });
    expect(created.errors).toBeUndefined();
    const flavor = (created.data!.autoCreateFlavor as { flavor: { name: string } }).flavor;
    try {
      expect(flavor).toMatchObject({ vcpus: 1, ramMB: 32, bootFromVolume: true, waste: 0 });
      expect(flavor.name).toMatch(/^ffo\.auto\.1c-32m$/);
      const inNova = (await client.listFlavors()).find((f) => f.name === flavor.name);
      expect(inNova).toMatchObject({ vcpus: 1, ram: 32, disk: 0 });
      const twin = await run(
        `query($n: String!) { flavors(where: { name: { eq: $n }, cloudId: { eq: "lab" }, removedAt: { eq: null } }) { autoCreated isPublic } }`,
        {
          n: flavor.name,
        },
      );
      expect(twin.data).toEqual({ flavors: [{ autoCreated: true, isPublic: false }] });
    } finally {
      const inNova = (await client.listFlavors()).find((f) => f.name === flavor.name);
      if (inNova) await client.deleteFlavor(inNova.id);
      await discoverTarget(config, cloud);
    }
  });
});
