import { afterEach, describe, expect, it } from '@jest/globals';
import { OpenStackForbiddenError, OpenStackUnavailableError } from '../../../src/errors/openstack-errors.js';
import { OpenStackClient } from '../../../src/providers/openstack/openstack-client.js';
import {
  hypervisorCapacity,
  readTargetInventory,
  sumResource,
  toNetwork,
  toPort,
  toSubnet,
  type TargetInventoryWarning,
} from '../../../src/providers/openstack/target-inventory-reader.js';
import type { NeutronNetwork } from '../../../src/providers/openstack/openstack-wire-types.js';
import { FakeOpenStack, PROJECT_ID, TOKEN_ISSUED_AT, type SiteFixture } from './fake-openstack.js';
import { readJsonFixture } from './fixture-files.js';
import { caught } from './helpers.js';

const servers: FakeOpenStack[] = [];
const clients: OpenStackClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(
  site: SiteFixture = readJsonFixture<SiteFixture>('site.crafted.json'),
): Promise<{ server: FakeOpenStack; client: OpenStackClient }> {
  const server = new FakeOpenStack();
  servers.push(server);
  await server.start();
  server.serveSite(site);
  const client = new OpenStackClient({
    authUrl: server.authUrl,
    credentials: { username: 'ffo-admin', password: 'S3cret!', projectName: 'migration' },
    region: 'RegionOne',
    clock: () => TOKEN_ISSUED_AT,
    retry: { retries: 0 },
  });
  clients.push(client);
  return { server, client };
}

const OTHER_PROJECT = '5d6e7f8091a2b3c4d5e6f708192a3b4c';

describe('readTargetInventory (crafted site)', () => {
  it('reads the whole target side', async () => {
    const { server, client } = await setup();
    const warnings: TargetInventoryWarning[] = [];
    const inventory = await readTargetInventory(client, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);

    expect(inventory.authUrl).toBe(server.authUrl);
    expect(inventory.region).toBe('RegionOne');
    expect(inventory.project).toEqual({ id: PROJECT_ID, name: 'migration', domainId: 'default' });

    expect(inventory.flavors).toEqual([
      {
        id: '1',
        name: 'm1.small',
        vcpus: 1,
        ramMB: 2048,
        diskGB: 20,
        ephemeralGB: 0,
        isPublic: true,
        extraSpecs: {},
        accessProjectIds: [],
      },
      {
        id: 'f0b7c1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
        name: 'g1.large.vgpu',
        vcpus: 8,
        ramMB: 32768,
        diskGB: 80,
        ephemeralGB: 10,
        isPublic: true,
        extraSpecs: { 'resources:VGPU': '1', 'hw:cpu_policy': 'dedicated' },
        accessProjectIds: [],
      },
      {
        id: 'mig-private-4c8g',
        name: 'mig.private.4c8g',
        vcpus: 4,
        ramMB: 8192,
        diskGB: 40,
        ephemeralGB: 0,
        isPublic: false,
        extraSpecs: { 'hw:mem_page_size': 'large' },
        accessProjectIds: [PROJECT_ID, OTHER_PROJECT],
      },
    ]);

    expect(inventory.networks).toEqual([
      {
        id: '0b2c4d6e-8f0a-4b2c-9d4e-6f8a0b2c4d6e',
        name: 'vlan-101-app',
        projectId: PROJECT_ID,
        external: false,
        shared: true,
        providerType: 'vlan',
        segmentationId: 101,
        status: 'ACTIVE',
      },
      {
        id: '2d4f6a8c-0e2a-4d4f-8b6a-8c0e2a4d6f8a',
        name: 'mig-net',
        projectId: PROJECT_ID,
        external: false,
        shared: false,
        providerType: 'vxlan',
        segmentationId: 517,
        status: 'ACTIVE',
      },
      {
        id: '3e5a7c9e-1a3c-4e5a-9c7e-9e1a3c5e7a9c',
        name: 'public',
        projectId: '9a8b7c6d5e4f30211203f4e5d6c7b8a9',
        external: true,
        shared: false,
        providerType: null,
        segmentationId: null,
        status: 'ACTIVE',
      },
    ]);

    expect(inventory.subnets).toEqual([
      {
        id: '1c3e5a7c-9e1a-4c3e-8a5c-7e9a1c3e5a7c',
        name: 'app-v4',
        networkId: '0b2c4d6e-8f0a-4b2c-9d4e-6f8a0b2c4d6e',
        cidr: '10.101.0.0/24',
        ipVersion: 4,
        gatewayIp: '10.101.0.1',
        allocationPools: [
          ['10.101.0.10', '10.101.0.99'],
          ['10.101.0.150', '10.101.0.200'],
        ],
      },
      {
        id: '4f6b8d0f-2b4d-4f6b-8d0f-0f2b4d6f8b0d',
        name: null,
        networkId: '2d4f6a8c-0e2a-4d4f-8b6a-8c0e2a4d6f8a',
        cidr: 'fd00:77::/64',
        ipVersion: 6,
        gatewayIp: null,
        allocationPools: [],
      },
    ]);

    expect(inventory.ports).toEqual([
      {
        id: '5a7c9e1a-3c5e-4a7c-9e1a-1a3c5e7a9c1e',
        networkId: '0b2c4d6e-8f0a-4b2c-9d4e-6f8a0b2c4d6e',
        macAddress: 'fa:16:3e:12:34:56',
        fixedIps: [{ subnetId: '1c3e5a7c-9e1a-4c3e-8a5c-7e9a1c3e5a7c', ipAddress: '10.101.0.10' }],
        deviceOwner: 'compute:nova',
        deviceId: '6b8d0f2b-4d6f-4b8d-8f2b-2b4d6f8b0d2f',
        status: 'DOWN',
        projectId: PROJECT_ID,
      },
      {
        id: '7c9e1a3c-5e7a-4c9e-8a3c-3c5e7a9c1e3a',
        networkId: '2d4f6a8c-0e2a-4d4f-8b6a-8c0e2a4d6f8a',
        macAddress: 'fa:16:3e:aa:bb:cc',
        fixedIps: [],
        deviceOwner: null,
        deviceId: null,
        status: 'DOWN',
        projectId: PROJECT_ID,
      },
    ]);

    expect(inventory.volumeTypes).toEqual([
      { id: '8d0f2b4d-6f8b-4d0f-9b4d-4d6f8b0d2f4b', name: '__DEFAULT__', isPublic: true, backendName: null },
      { id: '9e1a3c5e-7a9c-4e1a-8c5e-5e7a9c1e3a5c', name: 'nfs', isPublic: true, backendName: 'nfs' },
      {
        id: 'af2b4d6f-8b0d-4f2b-9d6f-6f8b0d2f4b6d',
        name: 'gold-private',
        isPublic: false,
        backendName: 'gold',
      },
    ]);

    expect(inventory.images).toEqual([
      {
        id: 'b03c5e7a-9c1e-4a3c-8e7a-7a9c1e3a5c7e',
        name: 'cirros-0.6.2',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        sizeBytes: 21430272,
        status: 'active',
        visibility: 'public',
      },
      {
        id: 'c14d6f8b-0d2f-4b4d-9f8b-8b0d2f4b6d8f',
        name: 'web01-disk0',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sizeBytes: null,
        status: 'queued',
        visibility: 'private',
      },
    ]);

    const quota = (service: string, resource: string): unknown =>
      inventory.quotas.find((q) => q.service === service && q.resource === resource);
    expect(inventory.quotas).toHaveLength(7 + 8 + 9);
    expect(quota('compute', 'instances')).toEqual({
      projectId: PROJECT_ID,
      service: 'compute',
      resource: 'instances',
      limit: 50,
      inUse: 2,
      reserved: 1,
    });
    expect(quota('network', 'ports')).toMatchObject({ limit: 500, inUse: 2, reserved: 0 });
    expect(quota('network', 'floating_ips')).toMatchObject({ limit: 50, inUse: 0 });
    expect(quota('network', 'port')).toBeUndefined();
    expect(quota('volume', 'gigabytes')).toMatchObject({ limit: 5000, inUse: 120, reserved: 10 });
    expect(quota('volume', 'per_volume_gigabytes')).toMatchObject({ limit: -1 });
    expect(quota('volume', 'gigabytes_nfs')).toMatchObject({ limit: -1, inUse: 120 });

    // placement: two compute nodes (the sharing DISK_GB provider is not one)
    expect(inventory.capacity).toEqual({
      hypervisors: 2,
      vcpus: 24,
      vcpusUsed: 6,
      memoryMB: 65024 + 32256,
      memoryMBUsed: 12288,
      cpuAllocationRatio: 8, // (16 × 4 + 8 × 16) / 24
      ramAllocationRatio: 1.5,
    });

    // extra specs fetched only for the flavor without inline ones, access only for the private flavor,
    // volume type extra specs only for the type without inline ones, no hypervisor call
    const calls = server.calls();
    expect(calls.filter((c) => c.includes('os-extra_specs'))).toEqual([
      'GET /compute/v2.1/flavors/mig-private-4c8g/os-extra_specs',
    ]);
    expect(calls.filter((c) => c.includes('os-flavor-access'))).toEqual([
      'GET /compute/v2.1/flavors/mig-private-4c8g/os-flavor-access',
    ]);
    expect(calls.filter((c) => c.includes('/extra_specs'))).toHaveLength(1);
    expect(calls.some((c) => c.includes('os-hypervisors'))).toBe(false);
    expect(calls).toContain('GET /compute/v2.1/flavors/detail?limit=1000&is_public=None');
    expect(calls).toContain(`GET /volume/v3/${PROJECT_ID}/types?is_public=None`);
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it('falls back to os-hypervisors and /limits, and warns, when placement and quota detail are forbidden', async () => {
    const { server, client } = await setup();
    const forbidden = { status: 403, json: readJsonFixture('error-nova-policy.crafted.json') };
    server.on('GET', '/placement/resource_providers', () => forbidden);
    server.on('GET', `/compute/v2.1/os-quota-sets/${PROJECT_ID}/detail`, () => forbidden);
    const warnings: TargetInventoryWarning[] = [];
    const inventory = await readTargetInventory(client, { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.part).sort()).toEqual(['capacity', 'quotas-compute']);
    expect(warnings[0]!.cause).toBeInstanceOf(OpenStackForbiddenError);
    expect(inventory.capacity).toEqual({
      hypervisors: 2,
      vcpus: 24,
      vcpusUsed: 6,
      memoryMB: 98304,
      memoryMBUsed: 13312,
      cpuAllocationRatio: null,
      ramAllocationRatio: null,
    });
    expect(inventory.quotas.filter((q) => q.service === 'compute')).toEqual([
      { projectId: PROJECT_ID, service: 'compute', resource: 'instances', limit: 50, inUse: 2, reserved: 0 },
      { projectId: PROJECT_ID, service: 'compute', resource: 'cores', limit: 200, inUse: 6, reserved: 0 },
      {
        projectId: PROJECT_ID,
        service: 'compute',
        resource: 'ram',
        limit: 512000,
        inUse: 12288,
        reserved: 0,
      },
      {
        projectId: PROJECT_ID,
        service: 'compute',
        resource: 'server_groups',
        limit: 10,
        inUse: 0,
        reserved: 0,
      },
    ]);
  });

  it('leaves out what a non-admin may not read: capacity null, access lists empty, no crash', async () => {
    const { server, client } = await setup();
    const forbidden = { status: 403, json: readJsonFixture('error-nova-policy.crafted.json') };
    server.on('GET', '/placement/resource_providers', () => forbidden);
    server.on('GET', '/compute/v2.1/os-hypervisors/detail', () => forbidden);
    server.on('GET', '/compute/v2.1/flavors/mig-private-4c8g/os-flavor-access', () => forbidden);
    server.on('GET', '/compute/v2.1/flavors/mig-private-4c8g/os-extra_specs', () => forbidden);
    server.on('GET', `/network/v2.0/quotas/${PROJECT_ID}/details`, () => ({
      status: 404,
      json: {
        NeutronError: { type: 'HTTPNotFound', message: 'The resource could not be found.', detail: '' },
      },
    }));
    const warnings: TargetInventoryWarning[] = [];
    const inventory = await readTargetInventory(client, { onWarning: (w) => warnings.push(w) });
    expect(inventory.capacity).toBeNull();
    const priv = inventory.flavors.find((f) => f.id === 'mig-private-4c8g')!;
    expect(priv.accessProjectIds).toEqual([]);
    expect(priv.extraSpecs).toEqual({});
    expect(inventory.quotas.some((q) => q.service === 'network')).toBe(false);
    expect(warnings.map((w) => w.part).sort()).toEqual([
      'capacity',
      'capacity',
      'flavor-access',
      'flavor-extra-specs',
      'quotas-network',
    ]);
    expect(warnings.find((w) => w.part === 'quotas-network')!.message).toContain('HTTP 404');
  });

  it('a cloud without Cinder and Glance in the catalog has no volume types, images or volume quotas', async () => {
    const { server, client } = await setup();
    // rewrite the catalog: drop volumev3 and image
    const token = readJsonFixture<{ token: { catalog: { type: string }[] } }>('token.crafted.json');
    token.token.catalog = token.token.catalog.filter((s) => s.type !== 'volumev3' && s.type !== 'image');
    server.on('POST', '/identity/v3/auth/tokens', () => {
      server.validTokens.add('tok-x');
      return {
        status: 201,
        text: JSON.stringify(token)
          .replaceAll('{{BASE}}', server.baseUrl)
          .replaceAll('{{PROJECT}}', PROJECT_ID),
        headers: { 'x-subject-token': 'tok-x' },
      };
    });
    const warnings: TargetInventoryWarning[] = [];
    const inventory = await readTargetInventory(client, { onWarning: (w) => warnings.push(w) });
    expect(inventory.volumeTypes).toEqual([]);
    expect(inventory.images).toEqual([]);
    expect(inventory.quotas.some((q) => q.service === 'volume')).toBe(false);
    expect(inventory.flavors).toHaveLength(3);
    expect(warnings.map((w) => w.part).sort()).toEqual(['images', 'quotas-volume', 'volume-types']);
  });

  it('fails instead of returning an empty core collection (the twin would mark everything removed)', async () => {
    const { server, client } = await setup();
    server.on('GET', '/network/v2.0/ports', () => ({ status: 503, text: 'Service Unavailable' }));
    const error = await caught(readTargetInventory(client));
    expect(error).toBeInstanceOf(OpenStackUnavailableError);
    expect((error as OpenStackUnavailableError).retryable).toBe(true);

    server.on('GET', '/network/v2.0/ports', () => ({ json: { ports: [] } }));
    server.on('GET', '/compute/v2.1/flavors/detail', () => ({
      status: 403,
      json: readJsonFixture('error-nova-policy.crafted.json'),
    }));
    expect(await caught(readTargetInventory(client))).toBeInstanceOf(OpenStackForbiddenError);
  });

  it('maps sparse records to nulls and defaults instead of crashing', async () => {
    const { client } = await setup({
      'compute GET /flavors/detail': { flavors: [{ id: 'bare' }, null, { name: 'no id' }] },
      'compute GET /flavors/bare/os-extra_specs': {},
      'compute GET /os-quota-sets/{{PROJECT}}/detail': { quota_set: { id: 'x', cores: { limit: 1 } } },
      'compute GET /limits': { limits: { absolute: {} } },
      'placement GET /resource_providers': { resource_providers: [] },
      'network GET /networks': { networks: [{ id: 'n' }] },
      'network GET /subnets': { subnets: [{ id: 's', network_id: 'n' }] },
      'network GET /ports': { ports: [{ id: 'p', network_id: 'n' }, { id: 'orphan' }] },
      'network GET /quotas/{{PROJECT}}/details': { quota: {} },
      'block-storage GET /types': { volume_types: [{ id: 't', extra_specs: { volume_backend_name: '' } }] },
      'block-storage GET /os-quota-sets/{{PROJECT}}': { quota_set: { id: 'x' } },
      'image GET /images': { images: [{ id: 'i' }] },
    });
    const inventory = await readTargetInventory(client);
    expect(inventory.flavors).toEqual([
      {
        id: 'bare',
        name: 'bare',
        vcpus: 0,
        ramMB: 0,
        diskGB: 0,
        ephemeralGB: 0,
        isPublic: true,
        extraSpecs: {},
        accessProjectIds: [],
      },
    ]);
    expect(inventory.networks).toEqual([
      {
        id: 'n',
        name: '',
        projectId: null,
        external: false,
        shared: false,
        providerType: null,
        segmentationId: null,
        status: null,
      },
    ]);
    expect(inventory.subnets).toEqual([]);
    expect(inventory.ports).toEqual([
      {
        id: 'p',
        networkId: 'n',
        macAddress: '',
        fixedIps: [],
        deviceOwner: null,
        deviceId: null,
        status: null,
        projectId: null,
      },
    ]);
    expect(inventory.volumeTypes).toEqual([{ id: 't', name: 't', isPublic: true, backendName: null }]);
    expect(inventory.images).toEqual([
      {
        id: 'i',
        name: null,
        diskFormat: null,
        containerFormat: null,
        sizeBytes: null,
        status: null,
        visibility: null,
      },
    ]);
    expect(inventory.quotas).toEqual([]);
    expect(inventory.capacity).toEqual({
      hypervisors: 0,
      vcpus: 0,
      vcpusUsed: 0,
      memoryMB: 0,
      memoryMBUsed: 0,
      cpuAllocationRatio: null,
      ramAllocationRatio: null,
    });
  });
});

describe('mapping helpers', () => {
  it('reads tenant_id when project_id is absent and keeps provider attributes null when hidden', () => {
    const n = { id: 'n', name: 'x', tenant_id: 't', 'provider:segmentation_id': null } as NeutronNetwork;
    expect(toNetwork(n)).toMatchObject({ projectId: 't', segmentationId: null, providerType: null });
  });

  it('infers the IP version from the CIDR when absent', () => {
    expect(toSubnet({ id: 's', network_id: 'n', cidr: '2001:db8::/64' })[0]!.ipVersion).toBe(6);
  });

  it('lower-cases MAC addresses', () => {
    expect(toPort({ id: 'p', network_id: 'n', mac_address: '00:50:56:AA:BB:CC' })[0]!.macAddress).toBe(
      '00:50:56:aa:bb:cc',
    );
  });

  it('sums placement inventories with reserved and a capacity-weighted ratio', () => {
    const nodes: Parameters<typeof sumResource>[0] = [
      { inventories: { VCPU: { total: 10, reserved: 2, allocation_ratio: 2 } }, usages: { VCPU: 3 } },
      { inventories: { VCPU: { total: 8 } }, usages: {} },
    ];
    expect(sumResource(nodes, 'VCPU')).toEqual({ capacity: 16, used: 3, ratio: 1.5 });
    expect(sumResource(nodes, 'MEMORY_MB')).toEqual({ capacity: 0, used: 0, ratio: null });
  });

  it('sums hypervisors, tolerating missing numbers (compute >= 2.88 drops them)', () => {
    expect(hypervisorCapacity([{ id: 'a', vcpus: 4 }, { id: 'b' }])).toEqual({
      hypervisors: 2,
      vcpus: 4,
      vcpusUsed: 0,
      memoryMB: 0,
      memoryMBUsed: 0,
      cpuAllocationRatio: null,
      ramAllocationRatio: null,
    });
  });
});
