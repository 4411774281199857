import { describe, expect, it } from '@jest/globals';
import { OpenStackEndpointNotFoundError } from '../../../src/errors/openstack-errors.js';
import {
  microversionHeaders,
  DEFAULT_MICROVERSIONS,
} from '../../../src/providers/openstack/microversions.js';
import {
  fromSearchParams,
  nextPageQuery,
  toSearchParams,
} from '../../../src/providers/openstack/pagination.js';
import {
  parseCatalog,
  selectEndpoint,
  serviceBaseUrl,
  type ServiceType,
} from '../../../src/providers/openstack/service-catalog.js';

describe('service catalog', () => {
  const catalog = parseCatalog([
    {
      type: 'block-storage',
      endpoints: [{ interface: 'public', region_id: 'R2', url: 'https://r2/volume/v3/%(project_id)s' }],
    },
    { type: 'volumev3', endpoints: [{ interface: 'public', region_id: 'R1', url: 'https://r1:8776/v3/p' }] },
    {
      type: 'compute',
      endpoints: [{ interface: 'publicURL', region: 'R1', url: 'https://nova' }, { url: 1 }],
    },
    'junk',
    { name: 'no type' },
  ]);

  it('parses endpoints, skipping malformed entries', () => {
    expect(catalog).toHaveLength(3);
    expect(catalog[2]!.endpoints).toEqual([{ interface: 'publicURL', region: 'R1', url: 'https://nova' }]);
    expect(parseCatalog(undefined)).toEqual([]);
  });

  it('prefers block-storage over volumev3 but falls back to the alias per region', () => {
    expect(selectEndpoint(catalog, 'block-storage', { interface: 'public', region: 'R2' })).toBe(
      'https://r2/volume/v3/%(project_id)s',
    );
    expect(selectEndpoint(catalog, 'block-storage', { interface: 'public', region: 'R1' })).toBe(
      'https://r1:8776/v3/p',
    );
    expect(selectEndpoint(catalog, 'compute', { interface: 'public', region: 'R1' })).toBe('https://nova');
    expect(() => selectEndpoint(catalog, 'compute', { interface: 'internal', region: null })).toThrow(
      OpenStackEndpointNotFoundError,
    );
  });

  it.each([
    ['compute', 'https://nova:8774', 'https://nova:8774/v2.1'],
    ['compute', 'https://nova:8774/v2.1/', 'https://nova:8774/v2.1'],
    ['compute', 'https://nova:8774/v2/%(tenant_id)s', 'https://nova:8774/v2/P'],
    ['network', 'https://neutron:9696/', 'https://neutron:9696/v2.0'],
    ['network', 'https://cloud/network/v2.0', 'https://cloud/network/v2.0'],
    ['image', 'https://glance:9292', 'https://glance:9292/v2'],
    ['block-storage', 'https://cinder:8776/v3/%(project_id)s', 'https://cinder:8776/v3/P'],
    ['block-storage', 'https://cinder:8776/v3/$(project_id)s', 'https://cinder:8776/v3/P'],
    ['block-storage', 'https://cinder:8776/v2/P', 'https://cinder:8776/v3/P'],
    ['block-storage', 'https://cinder:8776', 'https://cinder:8776/v3/P'],
    ['identity', 'https://keystone:5000', 'https://keystone:5000/v3'],
    ['placement', 'https://placement/', 'https://placement'],
  ] satisfies [ServiceType, string, string][])('%s %s -> %s', (type, url, expected) => {
    expect(serviceBaseUrl(type, url, 'P')).toBe(expected);
  });
});

describe('pagination helpers', () => {
  it('reads the next link of Nova/Neutron/Cinder and Glance', () => {
    expect(
      nextPageQuery({ x_links: [{ rel: 'next', href: 'http://h/v/x?marker=a&limit=2' }] }, 'x')?.toString(),
    ).toBe('marker=a&limit=2');
    expect(nextPageQuery({ x_links: [{ rel: 'previous', href: 'http://h/v/x?marker=a' }] }, 'x')).toBeNull();
    expect(nextPageQuery({ images: [], next: '/v2/images?marker=i' }, 'images')?.get('marker')).toBe('i');
    expect(nextPageQuery({ x_links: [{ rel: 'next', href: 'http://h/v/x' }] }, 'x')).toBeNull();
    expect(nextPageQuery(null, 'x')).toBeNull();
  });

  it('round-trips repeated query keys', () => {
    const params = toSearchParams({
      fields: ['id', 'name'],
      limit: 5,
      skip: undefined,
      none: null,
      flag: true,
    });
    expect(params.toString()).toBe('fields=id&fields=name&limit=5&flag=true');
    expect(fromSearchParams(params)).toEqual({ fields: ['id', 'name'], limit: '5', flag: 'true' });
  });
});

describe('microversion headers', () => {
  it('per service', () => {
    expect(microversionHeaders('compute', DEFAULT_MICROVERSIONS)).toEqual({
      'openstack-api-version': 'compute 2.79',
      'x-openstack-nova-api-version': '2.79',
    });
    expect(microversionHeaders('block-storage', DEFAULT_MICROVERSIONS, '3.27')).toEqual({
      'openstack-api-version': 'volume 3.27',
    });
    expect(microversionHeaders('network', DEFAULT_MICROVERSIONS)).toEqual({});
    expect(microversionHeaders('image', DEFAULT_MICROVERSIONS)).toEqual({});
  });
});
