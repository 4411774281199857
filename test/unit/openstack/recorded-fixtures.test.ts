// Real responses recorded from the lab cloud (Debian bookworm = Zed), see test/fixtures/openstack/README.md.
import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import {
  OpenStackBadRequestError,
  OpenStackConflictError,
  OpenStackForbiddenError,
  OpenStackHttpError,
  OpenStackNotFoundError,
  OpenStackUnauthenticatedError,
  type OpenStackApiError,
} from '../../../src/errors/openstack-errors.js';
import { parseTokenBody } from '../../../src/providers/openstack/keystone-auth.js';
import { OpenStackClient } from '../../../src/providers/openstack/openstack-client.js';
import { errorFromResponse } from '../../../src/providers/openstack/openstack-error-response.js';
import { requestIdOf } from '../../../src/providers/openstack/openstack-http.js';
import {
  selectEndpoint,
  serviceBaseUrl,
  type ServiceType,
} from '../../../src/providers/openstack/service-catalog.js';
import { readTargetInventory } from '../../../src/providers/openstack/target-inventory-reader.js';
import type { TargetInventory } from '../../../src/providers/openstack/target-inventory-types.js';
import { FakeOpenStack, PROJECT_ID, TOKEN_ISSUED_AT, type SiteFixture } from './fake-openstack.js';
import { readFixture, readJsonFixture } from './fixture-files.js';

const servers: FakeOpenStack[] = [];
const clients: OpenStackClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const withProject = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value).replaceAll('{{PROJECT}}', PROJECT_ID)) as T;

describe('recorded Keystone token', () => {
  it('yields the lab endpoints (public, RegionOne), versioned', () => {
    const token = parseTokenBody('t', withProject(readJsonFixture('token.zed.json')))!;
    expect(token.project).toEqual({
      id: PROJECT_ID,
      name: 'migration',
      domainId: 'default',
      domainName: 'Default',
    });
    expect(token.expiresAt! - token.issuedAt!).toBe(12 * 3600_000);
    const selector = { interface: 'public', region: 'RegionOne' } as const;
    const endpoints = Object.fromEntries(
      (['compute', 'network', 'block-storage', 'image', 'placement', 'identity'] as ServiceType[]).map(
        (s) => [s, serviceBaseUrl(s, selectEndpoint(token.catalog, s, selector), PROJECT_ID)],
      ),
    );
    expect(endpoints).toEqual({
      compute: 'http://127.0.0.1:8774/v2.1',
      network: 'http://127.0.0.1:9696/v2.0',
      'block-storage': `http://127.0.0.1:8776/v3/${PROJECT_ID}`,
      image: 'http://127.0.0.1:9292/v2',
      placement: 'http://127.0.0.1:8778',
      identity: 'http://127.0.0.1:5000/v3',
    });
  });
});

describe('recorded site', () => {
  it('reads the same inventory from the recorded responses as it did live', async () => {
    const server = new FakeOpenStack();
    servers.push(server);
    await server.start();
    server.serveSite(readJsonFixture<SiteFixture>('site.zed.json'));
    const client = new OpenStackClient({
      authUrl: server.authUrl,
      credentials: { username: 'ffo-admin', password: 'S3cret!', projectName: 'migration' },
      region: 'RegionOne',
      clock: () => TOKEN_ISSUED_AT,
    });
    clients.push(client);
    const warnings: string[] = [];
    const inventory = await readTargetInventory(client, { onWarning: (w) => warnings.push(w.message) });
    const live = withProject(readJsonFixture<TargetInventory>('inventory.zed.json'));
    expect(warnings).toEqual([]);
    expect(inventory).toEqual({ ...live, authUrl: server.authUrl });
    // spot checks of what the lab seeds
    expect(inventory.capacity).toEqual({
      hypervisors: 1,
      vcpus: 1000,
      vcpusUsed: 0,
      memoryMB: 799488,
      memoryMBUsed: 0,
      cpuAllocationRatio: 16,
      ramAllocationRatio: 1.5,
    });
    expect(inventory.ports.map((p) => p.macAddress)).toEqual(['00:50:56:9e:e2:02']);
    expect(inventory.flavors.find((f) => f.name === 'mig.bfv.16-64')).toMatchObject({
      isPublic: false,
      extraSpecs: { 'hw:cpu_sockets': '2' },
      accessProjectIds: [PROJECT_ID],
    });
    expect(inventory.volumeTypes.map((t) => [t.name, t.backendName])).toEqual([
      ['fast', 'lab-nfs'],
      ['standard', 'lab-nfs'],
    ]);
    expect(inventory.quotas.filter((q) => q.service === 'network').map((q) => q.resource)).toContain('ports');
  });
});

interface RecordedError {
  service: string;
  request: string;
  status: number;
  headers: Record<string, string | null>;
  body: string;
}

const EXPECTED: Record<string, [new (...args: never[]) => OpenStackApiError, string | null, boolean | null]> =
  {
    'error-cinder-per-volume-gigabytes.zed.json': [OpenStackForbiddenError, 'overLimit', true],
    'error-cinder-volume-not-found.zed.json': [OpenStackNotFoundError, 'itemNotFound', null],
    'error-glance-image-not-found.zed.json': [OpenStackNotFoundError, 'Not Found', null],
    'error-keystone-bad-password.zed.json': [OpenStackUnauthenticatedError, 'Unauthorized', null],
    'error-neutron-bad-mac.zed.json': [OpenStackBadRequestError, 'HTTPBadRequest', null],
    'error-neutron-mac-in-use.zed.json': [OpenStackConflictError, 'MacAddressInUse', null],
    'error-neutron-port-not-found.zed.json': [OpenStackNotFoundError, 'PortNotFound', null],
    'error-nova-flavor-conflict.zed.json': [OpenStackConflictError, 'conflictingRequest', null],
    'error-nova-flavor-not-found.zed.json': [OpenStackNotFoundError, 'itemNotFound', null],
    'error-nova-microversion-unsupported.zed.json': [OpenStackHttpError, 'computeFault', null],
    'error-nova-public-flavor-access.zed.json': [OpenStackNotFoundError, 'itemNotFound', null],
    'error-nova-quota-cores.zed.json': [OpenStackForbiddenError, 'forbidden', true],
    'error-placement-provider-not-found.zed.json': [OpenStackNotFoundError, 'Not Found', null],
  };

describe('recorded error responses', () => {
  const files = readdirSync(new URL('../../fixtures/openstack/', import.meta.url)).filter(
    (f) => f.startsWith('error-') && f.endsWith('.zed.json'),
  );

  it('covers every recording', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (file, [cls, type, quota]) => {
    const rec = readJsonFixture<RecordedError>(file);
    const headers = new Headers(
      Object.entries(rec.headers).filter((e): e is [string, string] => e[1] !== null),
    );
    const error = errorFromResponse({
      service: rec.service,
      method: rec.request.split(' ')[0]!,
      path: rec.request.split(' ')[1]!,
      status: rec.status,
      requestId: requestIdOf(headers),
      bodyText: rec.body,
    });
    expect(error).toBeInstanceOf(cls);
    expect(error.apiErrorType).toBe(type);
    expect(error.requestId).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(error.apiMessage).not.toMatch(/<br|\n/);
    if (quota !== null) expect((error as OpenStackForbiddenError).quotaExceeded).toBe(quota);
    if (error instanceof OpenStackForbiddenError && quota === null) expect(error.quotaExceeded).toBe(false);
  });

  it('Nova sends both request id headers with the same value', () => {
    const rec = readJsonFixture<RecordedError>('error-nova-quota-cores.zed.json');
    expect(rec.headers['x-compute-request-id']).toBe(rec.headers['x-openstack-request-id']);
    expect(readFixture('error-nova-quota-cores.zed.json')).toContain('Quota exceeded for cores');
  });
});
