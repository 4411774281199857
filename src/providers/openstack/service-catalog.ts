// The Keystone v3 service catalog (from the token body) and how one endpoint is picked from it.

import { OpenStackEndpointNotFoundError } from '../../errors/openstack-errors.js';

/** The services this client speaks, by their official service type (os-service-types). */
export type ServiceType = 'identity' | 'compute' | 'network' | 'block-storage' | 'image' | 'placement';

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface CatalogEndpoint {
  interface: string;
  region: string | null;
  url: string;
}

export interface CatalogService {
  type: string;
  name: string | null;
  endpoints: CatalogEndpoint[];
}

export interface EndpointSelector {
  interface: EndpointInterface;
  /** null: the first matching endpoint of any region (fine for single-region clouds). */
  region: string | null;
}

/**
 * Catalog types accepted per service, best first. Clouds still register Cinder as `volumev3` (the lab
 * registers both `volumev3` and `block-storage`); `volume` is the legacy v1/v2 name.
 */
export const SERVICE_TYPE_ALIASES: Readonly<Record<ServiceType, readonly string[]>> = {
  identity: ['identity'],
  compute: ['compute'],
  network: ['network'],
  'block-storage': ['block-storage', 'volumev3', 'volume'],
  image: ['image'],
  placement: ['placement'],
};

/** The token body's `catalog`, tolerant of missing fields (a catalog entry without URL is skipped). */
export function parseCatalog(raw: unknown): CatalogService[] {
  if (!Array.isArray(raw)) return [];
  const services: CatalogService[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    if (typeof e['type'] !== 'string') continue;
    const endpoints: CatalogEndpoint[] = [];
    for (const ep of Array.isArray(e['endpoints']) ? (e['endpoints'] as unknown[]) : []) {
      if (typeof ep !== 'object' || ep === null) continue;
      const p = ep as Record<string, unknown>;
      if (typeof p['url'] !== 'string' || typeof p['interface'] !== 'string') continue;
      const region = typeof p['region_id'] === 'string' ? p['region_id'] : p['region'];
      endpoints.push({
        interface: p['interface'],
        region: typeof region === 'string' ? region : null,
        url: p['url'],
      });
    }
    services.push({ type: e['type'], name: typeof e['name'] === 'string' ? e['name'] : null, endpoints });
  }
  return services;
}

/** The URL of the endpoint for `serviceType`; throws OpenStackEndpointNotFoundError when there is none. */
export function selectEndpoint(
  catalog: readonly CatalogService[],
  serviceType: ServiceType,
  selector: EndpointSelector,
): string {
  for (const type of SERVICE_TYPE_ALIASES[serviceType]) {
    for (const service of catalog) {
      if (service.type !== type) continue;
      const endpoint = service.endpoints.find(
        (ep) =>
          // Keystone v2-style names ("publicURL") still show up in hand-written catalogs.
          ep.interface.replace(/URL$/, '') === selector.interface &&
          (selector.region === null || ep.region === selector.region),
      );
      if (endpoint !== undefined) return endpoint.url;
    }
  }
  const available = catalog.flatMap((s) =>
    s.endpoints.map((ep) => `${s.type}/${ep.interface}/${ep.region ?? '-'}`),
  );
  throw new OpenStackEndpointNotFoundError(serviceType, selector.interface, selector.region, available);
}

/**
 * The base URL requests of a service are relative to. Catalog URLs differ between deployments: Neutron and
 * Glance are usually registered unversioned, Cinder with a `%(project_id)s` template (Keystone substitutes it
 * in token catalogs, but hand-made catalogs and overrides may still carry it), Nova with or without /v2.1.
 */
export function serviceBaseUrl(
  serviceType: ServiceType,
  catalogUrl: string,
  projectId: string | null,
): string {
  let url = catalogUrl.replace(/[%$]\((?:project_id|tenant_id)\)s/g, projectId ?? '');
  url = url.replace(/\/+$/, '');
  const path = new URL(url).pathname;
  switch (serviceType) {
    case 'compute':
      return /\/v2(\.1)?(\/|$)/.test(path) ? url : `${url}/v2.1`;
    case 'network':
      return /\/v2\.0$/.test(path) ? url : `${url}/v2.0`;
    case 'image':
      return /\/v2$/.test(path) ? url : `${url}/v2`;
    case 'block-storage': {
      // A legacy `volume`/`volumev2` URL points at /v1 or /v2: the v3 API lives beside it.
      if (/\/v[12](\/|$)/.test(path)) return url.replace(/\/v[12](?=\/|$)/, '/v3');
      if (/\/v3(\/|$)/.test(path)) return url;
      return projectId === null ? `${url}/v3` : `${url}/v3/${projectId}`;
    }
    case 'identity':
      return /\/v3$/.test(path) ? url : `${url}/v3`;
    case 'placement':
      return url;
  }
}
