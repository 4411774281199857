import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  OpenStackBadRequestError,
  OpenStackConflictError,
  OpenStackEndpointNotFoundError,
  OpenStackForbiddenError,
  OpenStackNotFoundError,
  OpenStackProtocolError,
  OpenStackUnauthenticatedError,
  OpenStackUnavailableError,
  isOpenStackQuotaExceeded,
} from '../../../src/errors/openstack-errors.js';
import {
  OpenStackClient,
  type OpenStackClientOptions,
} from '../../../src/providers/openstack/openstack-client.js';
import type { OpenStackCallStats } from '../../../src/providers/openstack/openstack-http.js';
import { FakeOpenStack, PROJECT_ID, TOKEN_EXPIRES_AT, TOKEN_ISSUED_AT } from './fake-openstack.js';
import { readFixture, readJsonFixture } from './fixture-files.js';
import { caught } from './helpers.js';

const servers: FakeOpenStack[] = [];
const clients: OpenStackClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(
  options: Partial<OpenStackClientOptions> = {},
): Promise<{ server: FakeOpenStack; client: OpenStackClient; clock: { now: number } }> {
  const server = new FakeOpenStack();
  servers.push(server);
  await server.start();
  const clock = { now: TOKEN_ISSUED_AT };
  const client = new OpenStackClient({
    authUrl: server.authUrl,
    credentials: {
      username: 'ffo-admin',
      password: 'S3cret!',
      userDomainName: 'Default',
      projectName: 'migration',
      projectDomainName: 'Default',
    },
    region: 'RegionOne',
    clock: () => clock.now,
    retry: { retries: 2, baseDelayMs: 1 },
    ...options,
  });
  clients.push(client);
  return { server, client, clock };
}

const EMPTY_FLAVORS = { flavors: [] };

/** A port nothing listens on (fetch refuses "bad ports" like 9 before connecting, so pick a real one). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('endpoint selection', () => {
  it('picks the public endpoint of the configured region and versions unversioned URLs', async () => {
    const { server, client } = await setup();
    const base = server.baseUrl;
    expect(await client.endpoint('compute')).toBe(`${base}/compute/v2.1`);
    expect(await client.endpoint('network')).toBe(`${base}/network/v2.0`);
    expect(await client.endpoint('image')).toBe(`${base}/image/v2`);
    expect(await client.endpoint('placement')).toBe(`${base}/placement`);
    // block-storage is registered only as volumev3 in this catalog
    expect(await client.endpoint('block-storage')).toBe(`${base}/volume/v3/${PROJECT_ID}`);
  });

  it('honours region and interface', async () => {
    const r2 = await setup({ region: 'RegionTwo' });
    expect(await r2.client.endpoint('compute')).toBe(`${r2.server.baseUrl}/r2/compute/v2.1`);
    expect(await r2.client.endpoint('network')).toBe(`${r2.server.baseUrl}/r2/network/v2.0`);
    const internal = await setup({ interface: 'internal' });
    expect(await internal.client.endpoint('compute')).toBe(
      `${internal.server.baseUrl}/internal/compute/v2.1`,
    );
    const admin = await setup({ interface: 'admin' });
    expect(await admin.client.endpoint('compute')).toBe(`${admin.server.baseUrl}/admin/compute/v2.1`);
    // no region configured: the first endpoint with the interface
    const any = await setup({ region: null });
    expect(await any.client.endpoint('compute')).toBe(`${any.server.baseUrl}/r2/compute/v2.1`);
  });

  it('fails with a config error naming what exists when nothing matches', async () => {
    const { client } = await setup({ region: 'RegionTwo' });
    const error = await caught(client.endpoint('image'));
    expect(error).toBeInstanceOf(OpenStackEndpointNotFoundError);
    const e = error as OpenStackEndpointNotFoundError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe(
      'The OpenStack service catalog has no public endpoint in region RegionTwo for image',
    );
    expect(e.details['available']).toContain('image/public/RegionOne');
  });

  it('uses endpoint overrides instead of the catalog', async () => {
    const { server, client } = await setup({
      endpointOverrides: { compute: 'http://127.0.0.1:1/ignored', image: 'http://x.invalid/glance/' },
    });
    server.json('GET', '/compute/v2.1/flavors/detail', EMPTY_FLAVORS);
    expect(await client.endpoint('image')).toBe('http://x.invalid/glance/v2');
    expect(await client.endpoint('compute')).toBe('http://127.0.0.1:1/ignored/v2.1');
  });
});

describe('headers', () => {
  it('sends the token, JSON accept and per-service microversions', async () => {
    const { server, client } = await setup();
    server.json('GET', '/compute/v2.1/flavors/detail', EMPTY_FLAVORS);
    server.json('GET', '/volume/v3/' + PROJECT_ID + '/types', { volume_types: [] });
    server.json('GET', '/placement/resource_providers', { resource_providers: [] });
    server.json('GET', '/network/v2.0/networks', { networks: [] });
    server.json('GET', '/image/v2/images', { images: [] });
    await client.listFlavors();
    await client.listVolumeTypes();
    await client.listResourceProviders();
    await client.listNetworks();
    await client.listImages();
    const [nova, cinder, placement, neutron, glance] = server.requests.filter((r) => r.method === 'GET');
    expect(nova!.headers['x-auth-token']).toBe('tok-1');
    expect(nova!.headers['accept']).toBe('application/json');
    expect(nova!.headers['user-agent']).toBe('ffo-twin');
    expect(nova!.headers['openstack-api-version']).toBe('compute 2.79');
    expect(nova!.headers['x-openstack-nova-api-version']).toBe('2.79');
    expect(cinder!.headers['openstack-api-version']).toBe('volume 3.60');
    expect(placement!.headers['openstack-api-version']).toBe('placement 1.14');
    expect(neutron!.headers['openstack-api-version']).toBeUndefined();
    expect(glance!.headers['openstack-api-version']).toBeUndefined();
  });

  it('takes configured and per-call microversions', async () => {
    const { server, client } = await setup({ microversions: { compute: '2.88' } });
    server.json('GET', '/compute/v2.1/limits', { limits: { absolute: {} } });
    await client.getComputeLimits();
    await client.request('compute', 'GET', '/limits', { microversion: '2.1' });
    const [a, b] = server.requests.filter((r) => r.method === 'GET');
    expect(a!.headers['openstack-api-version']).toBe('compute 2.88');
    expect(b!.headers['openstack-api-version']).toBe('compute 2.1');
    expect(b!.headers['x-openstack-nova-api-version']).toBe('2.1');
  });
});

describe('token lifecycle through the client', () => {
  it('reuses the token, renews it a minute before expiry', async () => {
    const { server, client, clock } = await setup();
    server.json('GET', '/compute/v2.1/limits', { limits: { absolute: {} } });
    await client.getComputeLimits();
    clock.now = TOKEN_EXPIRES_AT - 61_000;
    await client.getComputeLimits();
    clock.now = TOKEN_EXPIRES_AT - 59_000;
    await client.getComputeLimits();
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.requests.filter((r) => r.method === 'GET').map((r) => r.headers['x-auth-token'])).toEqual([
      'tok-1',
      'tok-1',
      'tok-2',
    ]);
  });

  it('re-authenticates once on 401 and repeats the call', async () => {
    const { server, client } = await setup();
    server.json('GET', '/compute/v2.1/limits', { limits: { absolute: { maxTotalCores: 20 } } });
    await client.getComputeLimits();
    server.revokeAll(); // e.g. Keystone restarted with rotated fernet keys
    expect((await client.getComputeLimits()).absolute.maxTotalCores).toBe(20);
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.calls()).toEqual([
      'GET /compute/v2.1/limits',
      'GET /compute/v2.1/limits',
      'GET /compute/v2.1/limits',
    ]);
  });

  it('gives up with OpenStackUnauthenticatedError when the fresh token is refused too', async () => {
    const { server, client } = await setup();
    server.on('GET', '/compute/v2.1/limits', () => ({
      status: 401,
      json: readJsonFixture('error-keystone-401.crafted.json'),
      headers: { 'x-openstack-request-id': 'req-still-401' },
    }));
    const error = await caught(client.getComputeLimits());
    expect(error).toBeInstanceOf(OpenStackUnauthenticatedError);
    const e = error as OpenStackUnauthenticatedError;
    expect(e.code).toBe('UNAUTHENTICATED');
    expect(e.requestId).toBe('req-still-401');
    expect(e.retryable).toBe(false);
    expect(e.details['reauthenticated']).toBe(true);
    expect(e.message).toContain('still 401 after re-authentication');
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.calls()).toHaveLength(2);
  });

  it('reports the scope of the token', async () => {
    const { client } = await setup();
    expect(await client.scope()).toEqual({
      projectId: PROJECT_ID,
      projectName: 'migration',
      projectDomainId: 'default',
      userId: '1f0e2d3c4b5a69788796a5b4c3d2e1f0',
      userName: 'ffo-admin',
      roles: ['admin', 'member', 'reader'],
    });
  });
});

describe('pagination', () => {
  it('follows Nova flavors_links, trusting only the query of the href', async () => {
    const { server, client } = await setup({ pageSize: 2 });
    server.on('GET', '/compute/v2.1/flavors/detail', (req) => {
      const marker = req.query.get('marker');
      if (marker === null) {
        return {
          json: {
            flavors: [{ id: '1' }, { id: '2' }],
            // Nova builds hrefs from its own idea of its URL: an internal host, no TLS
            flavors_links: [
              {
                rel: 'next',
                href: 'http://nova-internal:8774/v2.1/flavors/detail?is_public=None&limit=2&marker=2',
              },
            ],
          },
        };
      }
      return { json: { flavors: marker === '2' ? [{ id: '3' }] : [] } };
    });
    const flavors = await client.listFlavors();
    expect(flavors.map((f) => f.id)).toEqual(['1', '2', '3']);
    expect(server.calls()).toEqual([
      'GET /compute/v2.1/flavors/detail?limit=2&is_public=None',
      'GET /compute/v2.1/flavors/detail?is_public=None&limit=2&marker=2',
    ]);
  });

  it('follows Neutron networks_links and Cinder volumes_links with their filters', async () => {
    const { server, client } = await setup({ pageSize: 1 });
    server.on('GET', '/network/v2.0/networks', (req) =>
      req.query.get('marker') === null
        ? {
            json: {
              networks: [{ id: 'n1' }],
              networks_links: [
                { rel: 'next', href: 'http://neutron:9696/v2.0/networks?limit=1&shared=false&marker=n1' },
                {
                  rel: 'previous',
                  href: 'http://neutron:9696/v2.0/networks?limit=1&marker=n1&page_reverse=True',
                },
              ],
            },
          }
        : { json: { networks: [{ id: 'n2' }], networks_links: [{ rel: 'previous', href: 'x?marker=n2' }] } },
    );
    const volumePath = `/volume/v3/${PROJECT_ID}/volumes/detail`;
    server.on('GET', volumePath, (req) =>
      req.query.get('marker') === null
        ? {
            json: {
              volumes: [{ id: 'v1' }],
              volumes_links: [
                { rel: 'next', href: `http://cinder:8776/v3/${PROJECT_ID}/volumes/detail?limit=1&marker=v1` },
              ],
            },
          }
        : { json: { volumes: [{ id: 'v2' }] } },
    );
    expect((await client.listNetworks({ query: { shared: false } })).map((n) => n.id)).toEqual(['n1', 'n2']);
    expect((await client.listVolumes()).map((v) => v.id)).toEqual(['v1', 'v2']);
    expect(server.calls()).toEqual([
      'GET /network/v2.0/networks?limit=1&shared=false',
      'GET /network/v2.0/networks?limit=1&shared=false&marker=n1',
      `GET ${volumePath}?limit=1`,
      `GET ${volumePath}?limit=1&marker=v1`,
    ]);
  });

  it('follows the Glance top-level next link', async () => {
    const { server, client } = await setup({ pageSize: 2 });
    server.on('GET', '/image/v2/images', (req) =>
      req.query.get('marker') === null
        ? {
            json: {
              images: [{ id: 'i1' }, { id: 'i2' }],
              next: '/v2/images?limit=2&marker=i2',
              first: '/v2/images',
            },
          }
        : { json: { images: [{ id: 'i3' }], first: '/v2/images' } },
    );
    expect((await client.listImages()).map((i) => i.id)).toEqual(['i1', 'i2', 'i3']);
    expect(server.calls()).toEqual([
      'GET /image/v2/images?limit=2',
      'GET /image/v2/images?limit=2&marker=i2',
    ]);
  });

  it('stops on a next link that does not move and on an empty page', async () => {
    const { server, client } = await setup();
    server.on('GET', '/network/v2.0/ports', () => ({
      json: {
        ports: [{ id: 'p', network_id: 'n' }],
        ports_links: [{ rel: 'next', href: '/v2.0/ports?marker=p' }],
      },
    }));
    expect(await client.listPorts()).toHaveLength(2);
    expect(server.calls()).toHaveLength(2);
  });

  it('sends no limit when the page size is null and repeats array query values', async () => {
    const { server, client } = await setup({ pageSize: null });
    server.json('GET', '/network/v2.0/subnets', { subnets: [] });
    await client.listSubnets({ query: { fields: ['id', 'cidr'], network_id: 'n1' } });
    expect(server.calls()).toEqual(['GET /network/v2.0/subnets?fields=id&fields=cidr&network_id=n1']);
  });

  it('reports a list response without its collection as a protocol error', async () => {
    const { server, client } = await setup();
    server.json('GET', '/network/v2.0/networks', { nets: [] });
    expect(await caught(client.listNetworks())).toBeInstanceOf(OpenStackProtocolError);
  });
});

describe('error mapping', () => {
  it('403 quota exceeded (Nova) -> OpenStackForbiddenError with quotaExceeded and the request id', async () => {
    const { server, client } = await setup();
    server.on('POST', '/compute/v2.1/servers', () => ({
      status: 403,
      json: readJsonFixture('error-nova-quota.crafted.json'),
      // Nova sends both headers
      headers: { 'x-compute-request-id': 'req-nova-quota', 'x-openstack-request-id': 'req-nova-quota' },
    }));
    const error = await caught(client.createServer({ name: 'vm', flavorRef: 'f', networks: 'none' }));
    expect(error).toBeInstanceOf(OpenStackForbiddenError);
    const e = error as OpenStackForbiddenError;
    expect(e.quotaExceeded).toBe(true);
    expect(isOpenStackQuotaExceeded(e)).toBe(true);
    expect(e.code).toBe('OPENSTACK_QUOTA_EXCEEDED');
    expect(e.status).toBe(403);
    expect(e.service).toBe('compute');
    expect(e.requestId).toBe('req-nova-quota');
    expect(e.apiErrorType).toBe('forbidden');
    expect(e.apiMessage).toBe('Quota exceeded for cores: Requested 64, but already used 0 of 20 cores');
    expect(e.retryable).toBe(false);
    expect(e.message).toBe(
      'compute POST /compute/v2.1/servers: HTTP 403 forbidden: Quota exceeded for cores: Requested 64, but already used 0 of 20 cores [req-nova-quota]',
    );
    expect(e.details).toMatchObject({ status: 403, requestId: 'req-nova-quota', quotaExceeded: true });
  });

  it('403 policy -> OpenStackForbiddenError without quotaExceeded; x-compute-request-id alone is enough', async () => {
    const { server, client } = await setup();
    server.on('GET', '/compute/v2.1/os-hypervisors/detail', () => ({
      status: 403,
      json: readJsonFixture('error-nova-policy.crafted.json'),
      headers: { 'x-compute-request-id': 'req-only-compute' },
    }));
    const e = (await caught(client.listHypervisors())) as OpenStackForbiddenError;
    expect(e).toBeInstanceOf(OpenStackForbiddenError);
    expect(e.quotaExceeded).toBe(false);
    expect(e.requestId).toBe('req-only-compute');
    expect(server.calls()).toHaveLength(1); // 403 is not retried
  });

  it('404 -> OpenStackNotFoundError (Nova, Glance plain text, Placement with request id in the body)', async () => {
    const { server, client } = await setup();
    server.on('GET', '/compute/v2.1/flavors/nope/os-extra_specs', () => ({
      status: 404,
      json: readJsonFixture('error-nova-not-found.crafted.json'),
      headers: { 'x-openstack-request-id': 'req-404' },
    }));
    server.on('GET', '/image/v2/images/nope', () => ({
      status: 404,
      text: readFixture('error-glance-not-found.crafted.txt'),
    }));
    server.on('GET', '/placement/resource_providers/nope/inventories', () => ({
      status: 404,
      json: readJsonFixture('error-placement-not-found.crafted.json'),
    }));
    const nova = (await caught(client.getFlavorExtraSpecs('nope'))) as OpenStackNotFoundError;
    expect(nova).toBeInstanceOf(OpenStackNotFoundError);
    expect(nova.code).toBe('NOT_FOUND');
    expect(nova.apiMessage).toBe('Flavor nope could not be found.');
    expect(nova.requestId).toBe('req-404');
    const glance = (await caught(client.getImage('nope'))) as OpenStackNotFoundError;
    expect(glance).toBeInstanceOf(OpenStackNotFoundError);
    expect(glance.apiMessage).toBe('404 Not Found The resource could not be found.');
    const placement = (await caught(client.getResourceProviderInventories('nope'))) as OpenStackNotFoundError;
    expect(placement).toBeInstanceOf(OpenStackNotFoundError);
    expect(placement.requestId).toBe('req-5b8f2c7e-4e0a-4f55-9d43-2a3b9c8d7e6f');
    expect(placement.apiMessage).toContain('No resource provider with uuid');
  });

  it('409 -> OpenStackConflictError, but Neutron OverQuota (409) is a quota error', async () => {
    const { server, client } = await setup();
    server.on('POST', '/network/v2.0/ports', (_req, i) => ({
      status: 409,
      json: readJsonFixture(
        i === 0 ? 'error-neutron-mac-in-use.crafted.json' : 'error-neutron-overquota.crafted.json',
      ),
      headers: { 'x-openstack-request-id': `req-neutron-${i}` },
    }));
    const mac = (await caught(
      client.createPort({ network_id: 'n', mac_address: 'fa:16:3e:12:34:56' }),
    )) as OpenStackConflictError;
    expect(mac).toBeInstanceOf(OpenStackConflictError);
    expect(mac.apiErrorType).toBe('MacAddressInUse');
    expect(mac.status).toBe(409);
    expect(mac.requestId).toBe('req-neutron-0');
    const quota = (await caught(client.createPort({ network_id: 'n' }))) as OpenStackForbiddenError;
    expect(quota).toBeInstanceOf(OpenStackForbiddenError);
    expect(quota.quotaExceeded).toBe(true);
    expect(quota.status).toBe(409);
    expect(quota.apiErrorType).toBe('OverQuota');
  });

  it('413 Cinder overLimit -> quota error', async () => {
    const { server, client } = await setup();
    server.on('POST', `/volume/v3/${PROJECT_ID}/volumes`, () => ({
      status: 413,
      json: readJsonFixture('error-cinder-overlimit.crafted.json'),
      headers: { 'x-openstack-request-id': 'req-cinder-413' },
    }));
    const e = (await caught(client.createVolume({ size: 2000 }))) as OpenStackForbiddenError;
    expect(e).toBeInstanceOf(OpenStackForbiddenError);
    expect(e.quotaExceeded).toBe(true);
    expect(e.apiErrorType).toBe('overLimit');
  });

  it('400 -> OpenStackBadRequestError', async () => {
    const { server, client } = await setup();
    server.on('POST', '/compute/v2.1/flavors', () => ({
      status: 400,
      json: {
        badRequest: {
          code: 400,
          message: 'Invalid input for field/attribute vcpus. Value: 0. 0 is less than the minimum of 1',
        },
      },
    }));
    const e = await caught(client.createFlavor({ name: 'x', vcpus: 0, ram: 1, disk: 0 }));
    expect(e).toBeInstanceOf(OpenStackBadRequestError);
    expect((e as OpenStackBadRequestError).code).toBe('BAD_INPUT');
  });

  it('5xx -> retryable OpenStackUnavailableError; GETs are retried, POSTs are not', async () => {
    const { server, client } = await setup();
    server.on('GET', '/compute/v2.1/limits', (_req, i) =>
      i < 2
        ? { status: 503, text: '<html><body><h1>503 Service Unavailable</h1></body></html>' }
        : { json: { limits: { absolute: {} } } },
    );
    await client.getComputeLimits();
    expect(server.calls()).toHaveLength(3);

    server.on('POST', '/compute/v2.1/flavors', () => ({
      status: 500,
      json: { computeFault: { code: 500, message: 'Unexpected API Error.' } },
      headers: { 'x-openstack-request-id': 'req-500' },
    }));
    const e = (await caught(
      client.createFlavor({ name: 'x', vcpus: 1, ram: 1, disk: 0 }),
    )) as OpenStackUnavailableError;
    expect(e).toBeInstanceOf(OpenStackUnavailableError);
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(500);
    expect(e.requestId).toBe('req-500');
    expect(e.apiErrorType).toBe('computeFault');
    expect(server.calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });

  it('gives up after the configured retries', async () => {
    const { server, client } = await setup({ retry: { retries: 1, baseDelayMs: 1 } });
    server.on('GET', '/compute/v2.1/limits', () => ({ status: 502, text: 'Bad Gateway' }));
    const e = (await caught(client.getComputeLimits())) as OpenStackUnavailableError;
    expect(e).toBeInstanceOf(OpenStackUnavailableError);
    expect(e.apiMessage).toBe('Bad Gateway');
    expect(server.calls()).toHaveLength(2);
  });

  it('network failures and timeouts -> retryable OpenStackUnavailableError', async () => {
    const { server, client } = await setup({ retry: { retries: 0 }, timeoutMs: 200 });
    server.on('GET', '/compute/v2.1/limits', () => ({ destroy: true }));
    server.on('GET', '/compute/v2.1/os-hypervisors/detail', () => ({ hang: true }));
    const dropped = (await caught(client.getComputeLimits())) as OpenStackUnavailableError;
    expect(dropped).toBeInstanceOf(OpenStackUnavailableError);
    expect(dropped.retryable).toBe(true);
    expect(dropped.status).toBeNull();
    expect(dropped.details['reason']).toBe('network');
    const slow = (await caught(client.listHypervisors())) as OpenStackUnavailableError;
    expect(slow).toBeInstanceOf(OpenStackUnavailableError);
    expect(slow.details['reason']).toBe('timeout');
    expect(slow.message).toContain('within 200 ms');
  });

  it('a refused connection is retryable too', async () => {
    const port = await closedPort();
    const { client } = await setup({
      retry: { retries: 0 },
      endpointOverrides: { compute: `http://127.0.0.1:${port}` },
    });
    const e = (await caught(client.getComputeLimits())) as OpenStackUnavailableError;
    expect(e).toBeInstanceOf(OpenStackUnavailableError);
    expect(e.details['code']).toBe('ECONNREFUSED');
  });

  it('a caller abort is rethrown as is', async () => {
    const { server, client } = await setup();
    server.on('GET', '/network/v2.0/networks', () => ({ hang: true }));
    const controller = new AbortController();
    const pending = caught(client.listNetworks({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect(((await pending) as Error).message).toBe('stop');
  });

  it('a 200 that is not JSON -> OpenStackProtocolError', async () => {
    const { server, client } = await setup();
    server.on('GET', '/compute/v2.1/limits', () => ({ text: '<html>login portal</html>' }));
    const e = (await caught(client.getComputeLimits())) as OpenStackProtocolError;
    expect(e).toBeInstanceOf(OpenStackProtocolError);
    expect(e.code).toBe('OPENSTACK_PROTOCOL');
  });
});

describe('service calls', () => {
  it('creates a flavor, sets extra specs, shares and deletes it', async () => {
    const { server, client } = await setup();
    server.on('POST', '/compute/v2.1/flavors', (req) => ({
      json: { flavor: { id: 'f1', ...JSON.parse(req.body).flavor } },
    }));
    server.on('POST', '/compute/v2.1/flavors/f1/os-extra_specs', (req) => ({ json: JSON.parse(req.body) }));
    server.json('POST', '/compute/v2.1/flavors/f1/action', {
      flavor_access: [{ flavor_id: 'f1', tenant_id: 'p2' }],
    });
    server.on('DELETE', '/compute/v2.1/flavors/f1', () => ({ status: 202 }));
    const flavor = await client.createFlavor({
      name: 'mig.small',
      vcpus: 2,
      ram: 2048,
      disk: 10,
      'os-flavor-access:is_public': false,
    });
    expect(flavor.id).toBe('f1');
    expect(await client.setFlavorExtraSpecs('f1', { 'hw:cpu_policy': 'dedicated' })).toEqual({
      'hw:cpu_policy': 'dedicated',
    });
    expect(await client.addFlavorAccess('f1', 'p2')).toEqual([{ flavor_id: 'f1', tenant_id: 'p2' }]);
    await client.deleteFlavor('f1');
    const bodies = server.requests
      .filter((r) => r.method === 'POST' && r.path.startsWith('/compute'))
      .map((r) => JSON.parse(r.body));
    expect(bodies).toEqual([
      { flavor: { name: 'mig.small', vcpus: 2, ram: 2048, disk: 10, 'os-flavor-access:is_public': false } },
      { extra_specs: { 'hw:cpu_policy': 'dedicated' } },
      { addTenantAccess: { tenant: 'p2' } },
    ]);
  });

  it('creates a port with a chosen MAC and fixed IP', async () => {
    const { server, client } = await setup();
    server.on('POST', '/network/v2.0/ports', (req) => ({
      status: 201,
      json: { port: { id: 'p1', status: 'DOWN', ...JSON.parse(req.body).port } },
    }));
    server.on('DELETE', '/network/v2.0/ports/p1', () => ({ status: 204 }));
    const port = await client.createPort({
      network_id: 'n1',
      name: 'web01-nic0',
      mac_address: '00:50:56:aa:bb:cc',
      fixed_ips: [{ subnet_id: 's1', ip_address: '192.168.77.10' }],
    });
    expect(port.mac_address).toBe('00:50:56:aa:bb:cc');
    await client.deletePort('p1');
    expect(
      JSON.parse(server.requests.find((r) => r.method === 'POST' && r.path === '/network/v2.0/ports')!.body),
    ).toEqual({
      port: {
        network_id: 'n1',
        name: 'web01-nic0',
        mac_address: '00:50:56:aa:bb:cc',
        fixed_ips: [{ subnet_id: 's1', ip_address: '192.168.77.10' }],
      },
    });
    expect(server.calls()).toContain('DELETE /network/v2.0/ports/p1');
  });

  it('reads quota sets: Nova detail, Neutron details, Cinder usage', async () => {
    const { server, client } = await setup();
    server.json('GET', `/compute/v2.1/os-quota-sets/${PROJECT_ID}/detail`, {
      quota_set: {
        id: PROJECT_ID,
        cores: { in_use: 2, limit: 20, reserved: 0 },
        ram: { in_use: 2048, limit: 51200, reserved: 0 },
      },
    });
    server.json('GET', `/network/v2.0/quotas/${PROJECT_ID}/details`, {
      quota: { port: { used: 1, limit: 500, reserved: 0 }, network: { used: 1, limit: 100, reserved: 0 } },
    });
    server.json('GET', `/volume/v3/${PROJECT_ID}/os-quota-sets/${PROJECT_ID}`, {
      quota_set: { id: PROJECT_ID, volumes: { limit: 10, in_use: 1, reserved: 0, allocated: 0 } },
    });
    expect(await client.getComputeQuotaDetail(PROJECT_ID)).toEqual({
      cores: { in_use: 2, limit: 20, reserved: 0 },
      ram: { in_use: 2048, limit: 51200, reserved: 0 },
    });
    expect(Object.keys(await client.getNetworkQuotaDetails(PROJECT_ID))).toEqual(['port', 'network']);
    expect(await client.getVolumeQuotaUsage(PROJECT_ID)).toEqual({
      volumes: { limit: 10, in_use: 1, reserved: 0, allocated: 0 },
    });
    expect(server.calls()).toContain(`GET /volume/v3/${PROJECT_ID}/os-quota-sets/${PROJECT_ID}?usage=true`);
  });

  it('creates, reads and deletes a volume (cascade) and manages attachments', async () => {
    const { server, client } = await setup();
    const base = `/volume/v3/${PROJECT_ID}`;
    server.json('POST', `${base}/volumes`, { volume: { id: 'v1', status: 'creating', size: 1 } }, 202);
    server.json('GET', `${base}/volumes/v1`, {
      volume: { id: 'v1', status: 'available', size: 1, bootable: 'false' },
    });
    server.on('DELETE', `${base}/volumes/v1`, () => ({ status: 202 }));
    server.json('POST', `${base}/attachments`, {
      attachment: { id: 'a1', status: 'reserved', volume_id: 'v1' },
    });
    server.on('POST', `${base}/attachments/a1/action`, () => ({ status: 204 }));
    server.json('DELETE', `${base}/attachments/a1`, { attachments: [] });
    expect((await client.createVolume({ size: 1, name: 'vol' })).id).toBe('v1');
    expect((await client.getVolume('v1')).status).toBe('available');
    const attachment = await client.createAttachment({ volume_uuid: 'v1', mode: 'rw' });
    await client.completeAttachment(attachment.id);
    await client.deleteAttachment(attachment.id);
    await client.deleteVolume('v1', { cascade: true });
    expect(server.calls()).toEqual([
      `POST ${base}/volumes`,
      `GET ${base}/volumes/v1`,
      `POST ${base}/attachments`,
      `POST ${base}/attachments/a1/action`,
      `DELETE ${base}/attachments/a1`,
      `DELETE ${base}/volumes/v1?cascade=true`,
    ]);
    const action = server.requests.find((r) => r.path === `${base}/attachments/a1/action`)!;
    expect(JSON.parse(action.body)).toEqual({ 'os-complete': null });
    expect(action.headers['openstack-api-version']).toBe('volume 3.60');
  });

  it('creates an image and uploads its data from a stream', async () => {
    const { server, client } = await setup();
    server.on('POST', '/image/v2/images', (req) => ({
      status: 201,
      json: { id: 'img1', status: 'queued', ...JSON.parse(req.body) },
    }));
    server.on('PUT', '/image/v2/images/img1/file', () => ({ status: 204 }));
    const image = await client.createImage({
      name: 'web01-disk0',
      disk_format: 'raw',
      container_format: 'bare',
      hw_disk_bus: 'scsi',
    });
    expect(image.status).toBe('queued');
    const chunks = [Buffer.alloc(100_000, 1), Buffer.alloc(50_000, 2)];
    await client.uploadImageData('img1', Readable.from(chunks));
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers['content-type']).toBe('application/octet-stream');
    expect(put.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(put.body, 'utf8').length).toBeGreaterThan(0);
    expect(put.body).toBe(Buffer.concat(chunks).toString('utf8'));
  });

  it('does not replay a stream upload after a 401', async () => {
    const { server, client } = await setup();
    server.on('PUT', '/image/v2/images/img1/file', () => ({ status: 204 }));
    await client.getComputeLimits().catch(() => undefined); // obtain a token
    server.revokeAll();
    const e = await caught(client.uploadImageData('img1', Readable.from([Buffer.from('abc')])));
    expect(e).toBeInstanceOf(OpenStackUnauthenticatedError);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('reports per-call stats', async () => {
    const stats: OpenStackCallStats[] = [];
    const { server, client } = await setup({ onCall: (s) => stats.push(s) });
    server.json('GET', '/compute/v2.1/limits', { limits: { absolute: {} } }, 200, {
      'x-openstack-request-id': 'req-l',
    });
    await client.getComputeLimits();
    expect(stats.map((s) => [s.service, s.method, s.path, s.status, s.requestId])).toEqual([
      ['identity', 'POST', '/identity/v3/auth/tokens', 201, 'req-token-1'],
      ['compute', 'GET', '/compute/v2.1/limits', 200, 'req-l'],
    ]);
    expect(stats[1]!.responseBytes).toBeGreaterThan(0);
    expect(stats[1]!.totalMs).toBeGreaterThanOrEqual(stats[1]!.httpMs);
  });
});
