// A small typed client for the OpenStack APIs the migration needs (Nova, Placement, Neutron, Cinder v3,
// Glance v2), on top of KeystoneAuth (token, catalog) and OpenStackHttp (undici, errors). It adds endpoint
// selection, microversion headers, one re-authentication on 401, retries of idempotent reads, and paging.

import {
  OpenStackApiError,
  OpenStackProtocolError,
  OpenStackUnauthenticatedError,
} from '../../errors/openstack-errors.js';
import {
  KeystoneAuth,
  type Clock,
  type KeystoneCredentials,
  type KeystoneToken,
  type TokenProvider,
} from './keystone-auth.js';
import { DEFAULT_MICROVERSIONS, microversionHeaders, type Microversions } from './microversions.js';
import {
  OpenStackHttp,
  type HttpMethod,
  type HttpResponse,
  type HttpTransport,
  type OpenStackHttpOptions,
  type RawBody,
} from './openstack-http.js';
import type {
  CinderAttachment,
  CinderAttachmentCreate,
  CinderQuotaUsage,
  CinderVolume,
  CinderVolumeCreate,
  CinderVolumeType,
  GlanceImage,
  GlanceImageCreate,
  NeutronNetwork,
  NeutronPort,
  NeutronPortCreate,
  NeutronPortUpdate,
  NeutronQuotaDetail,
  NeutronSubnet,
  NovaFlavor,
  NovaFlavorAccess,
  NovaFlavorCreate,
  NovaHypervisor,
  NovaLimits,
  NovaServer,
  NovaServerCreate,
  NovaServerCreated,
  NovaVolumeAttachment,
  PlacementInventory,
  PlacementResourceProvider,
  QuotaDetail,
} from './openstack-wire-types.js';
import {
  fromSearchParams,
  nextPageQuery,
  toSearchParams,
  withQuery,
  type QueryParams,
} from './pagination.js';
import {
  selectEndpoint,
  serviceBaseUrl,
  type EndpointInterface,
  type ServiceType,
} from './service-catalog.js';

export interface RequestOptions {
  query?: QueryParams;
  json?: unknown;
  /** Raw body (e.g. image data); a stream body disables retries and re-authentication. */
  body?: RawBody;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Microversion for this call instead of the client's default for the service. */
  microversion?: string;
}

export interface ListOptions {
  query?: QueryParams;
  signal?: AbortSignal;
  /** `limit` sent per page; null sends none (the service's default page size). Default: the client's. */
  pageSize?: number | null;
}

export interface OpenStackResponse<T> {
  service: ServiceType;
  method: HttpMethod;
  /** The path as requested (below the service's base URL). */
  path: string;
  status: number;
  body: T;
  requestId: string | null;
  headers: Headers;
}

/** Who the client is authenticated as. */
export interface OpenStackScope {
  projectId: string;
  projectName: string;
  projectDomainId: string | null;
  userId: string;
  userName: string;
  roles: string[];
}

/** What discovery and migration code use; OpenStackClient implements it, tests may fake it. */
export interface OpenStackApi {
  /** Keystone URL (ending in /v3). */
  readonly authUrl: string;
  readonly region: string | null;
  scope(): Promise<OpenStackScope>;
  /** Base URL of a service (versioned), from the catalog or an override. */
  endpoint(service: ServiceType): Promise<string>;
  request<T>(
    service: ServiceType,
    method: HttpMethod,
    path: string,
    options?: RequestOptions,
  ): Promise<OpenStackResponse<T>>;
  listAll<T>(service: ServiceType, path: string, collectionKey: string, options?: ListOptions): Promise<T[]>;

  // Nova
  listFlavors(options?: ListOptions): Promise<NovaFlavor[]>;
  getFlavor(flavorId: string): Promise<NovaFlavor>;
  getFlavorExtraSpecs(flavorId: string): Promise<Record<string, string>>;
  listFlavorAccess(flavorId: string): Promise<NovaFlavorAccess[]>;
  createFlavor(flavor: NovaFlavorCreate): Promise<NovaFlavor>;
  setFlavorExtraSpecs(flavorId: string, specs: Record<string, string>): Promise<Record<string, string>>;
  addFlavorAccess(flavorId: string, projectId: string): Promise<NovaFlavorAccess[]>;
  deleteFlavor(flavorId: string): Promise<void>;
  listServers(options?: ListOptions): Promise<NovaServer[]>;
  getServer(serverId: string): Promise<NovaServer>;
  createServer(server: NovaServerCreate): Promise<NovaServerCreated>;
  deleteServer(serverId: string): Promise<void>;
  listServerVolumeAttachments(serverId: string): Promise<NovaVolumeAttachment[]>;
  getComputeLimits(): Promise<NovaLimits>;
  getComputeQuotaDetail(projectId: string): Promise<Record<string, QuotaDetail>>;
  listHypervisors(options?: ListOptions): Promise<NovaHypervisor[]>;

  // Placement
  listResourceProviders(): Promise<PlacementResourceProvider[]>;
  getResourceProviderInventories(providerId: string): Promise<Record<string, PlacementInventory>>;
  getResourceProviderUsages(providerId: string): Promise<Record<string, number>>;

  // Neutron
  listNetworks(options?: ListOptions): Promise<NeutronNetwork[]>;
  listSubnets(options?: ListOptions): Promise<NeutronSubnet[]>;
  listPorts(options?: ListOptions): Promise<NeutronPort[]>;
  getPort(portId: string): Promise<NeutronPort>;
  createPort(port: NeutronPortCreate): Promise<NeutronPort>;
  updatePort(portId: string, update: NeutronPortUpdate): Promise<NeutronPort>;
  setPortTags(portId: string, tags: string[]): Promise<string[]>;
  deletePort(portId: string): Promise<void>;
  getNetworkQuotaDetails(projectId: string): Promise<Record<string, NeutronQuotaDetail>>;

  // Cinder
  listVolumes(options?: ListOptions): Promise<CinderVolume[]>;
  getVolume(volumeId: string): Promise<CinderVolume>;
  createVolume(volume: CinderVolumeCreate): Promise<CinderVolume>;
  deleteVolume(volumeId: string, options?: { cascade?: boolean }): Promise<void>;
  setVolumeBootable(volumeId: string, bootable: boolean): Promise<void>;
  setVolumeImageMetadata(volumeId: string, metadata: Record<string, string>): Promise<Record<string, string>>;
  unsetVolumeImageMetadata(volumeId: string, key: string): Promise<void>;
  listVolumeTypes(options?: ListOptions): Promise<CinderVolumeType[]>;
  getVolumeTypeExtraSpecs(typeId: string): Promise<Record<string, string>>;
  getVolumeQuotaUsage(projectId: string): Promise<Record<string, CinderQuotaUsage>>;
  listAttachments(options?: ListOptions): Promise<CinderAttachment[]>;
  getAttachment(attachmentId: string): Promise<CinderAttachment>;
  createAttachment(attachment: CinderAttachmentCreate): Promise<CinderAttachment>;
  completeAttachment(attachmentId: string): Promise<void>;
  deleteAttachment(attachmentId: string): Promise<void>;

  // Glance
  listImages(options?: ListOptions): Promise<GlanceImage[]>;
  getImage(imageId: string): Promise<GlanceImage>;
  createImage(image: GlanceImageCreate): Promise<GlanceImage>;
  uploadImageData(
    imageId: string,
    data: RawBody,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<void>;
  deleteImage(imageId: string): Promise<void>;
}

export interface RetryOptions {
  /** Extra attempts of a GET/HEAD after a retryable failure (5xx, 429, network). Default 2. */
  retries?: number;
  /** First back-off delay; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number;
}

export interface OpenStackClientOptions extends OpenStackHttpOptions {
  /** Keystone, e.g. "https://keystone.example.com:5000/v3". */
  authUrl: string;
  credentials: KeystoneCredentials;
  /** Region of the endpoints to use; null/absent: the first endpoint of any region. */
  region?: string | null;
  /** Catalog interface. Default public. */
  interface?: EndpointInterface;
  microversions?: Partial<Microversions>;
  /** Use these base URLs instead of the catalog's (e.g. when the catalog names unreachable hosts). */
  endpointOverrides?: Partial<Record<ServiceType, string>>;
  /** Renew the token this long before it expires. Default 60 s. */
  refreshMarginMs?: number;
  clock?: Clock;
  retry?: RetryOptions;
  /** `limit` sent on list calls. Default 1000 (Nova's, Cinder's and Glance's default maximum). */
  pageSize?: number | null;
  /** Deadline of image uploads. Default 6 h. */
  uploadTimeoutMs?: number;
  /** Replaces the HTTP transport built from the other options (tests). */
  transport?: HttpTransport;
  /** Replaces KeystoneAuth (tests, or sharing one token between clients). */
  tokenProvider?: TokenProvider;
}

const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_UPLOAD_TIMEOUT_MS = 6 * 3600_000;
/** Guards against a service whose "next" link never ends. */
const MAX_PAGES = 100_000;

export class OpenStackClient implements OpenStackApi {
  readonly authUrl: string;
  readonly region: string | null;
  readonly interface: EndpointInterface;
  readonly auth: TokenProvider;
  readonly transport: HttpTransport;

  private readonly ownedHttp: OpenStackHttp | null;
  private readonly microversions: Microversions;
  private readonly overrides: Partial<Record<ServiceType, string>>;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly pageSize: number | null;
  private readonly uploadTimeoutMs: number;

  constructor(options: OpenStackClientOptions) {
    if (options.transport !== undefined) {
      this.transport = options.transport;
      this.ownedHttp = null;
    } else {
      this.ownedHttp = new OpenStackHttp(options);
      this.transport = this.ownedHttp;
    }
    this.auth =
      options.tokenProvider ??
      new KeystoneAuth({
        authUrl: options.authUrl,
        credentials: options.credentials,
        transport: this.transport,
        ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
      });
    this.authUrl = this.auth.authUrl;
    this.region = options.region ?? null;
    this.interface = options.interface ?? 'public';
    this.microversions = { ...DEFAULT_MICROVERSIONS, ...(options.microversions ?? {}) };
    this.overrides = options.endpointOverrides ?? {};
    this.retries = options.retry?.retries ?? DEFAULT_RETRIES;
    this.retryDelayMs = options.retry?.baseDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.pageSize = options.pageSize === undefined ? DEFAULT_PAGE_SIZE : options.pageSize;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
  }

  /** Releases the connection pool (when the client built it). */
  async close(): Promise<void> {
    await this.ownedHttp?.close();
  }

  async scope(): Promise<OpenStackScope> {
    const token = await this.auth.getToken();
    if (token.project === null) {
      throw new OpenStackProtocolError('The Keystone token is not scoped to a project', {
        service: 'identity',
        method: 'POST',
        path: '/v3/auth/tokens',
        status: null,
        requestId: null,
        apiMessage: null,
        apiErrorType: null,
      });
    }
    return {
      projectId: token.project.id,
      projectName: token.project.name,
      projectDomainId: token.project.domainId,
      userId: token.user.id,
      userName: token.user.name,
      roles: token.roles,
    };
  }

  async endpoint(service: ServiceType): Promise<string> {
    return this.endpointFor(service, await this.auth.getToken());
  }

  async request<T>(
    service: ServiceType,
    method: HttpMethod,
    path: string,
    options: RequestOptions = {},
  ): Promise<OpenStackResponse<T>> {
    const streamed = options.body !== undefined && !(options.body instanceof Uint8Array);
    // Only reads are retried: a POST that failed with 503 may still have created the resource.
    const retries = (method === 'GET' || method === 'HEAD') && !streamed ? this.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.requestAuthenticated(service, method, path, options, streamed);
        return {
          service,
          method,
          path,
          status: response.status,
          body: response.body as T,
          requestId: response.requestId,
          headers: response.headers,
        };
      } catch (error) {
        if (!(error instanceof OpenStackApiError) || !error.retryable || attempt >= retries) throw error;
        await sleep(this.retryDelayMs * 2 ** attempt, options.signal);
      }
    }
  }

  /** Pages of a collection, following the services' next links. */
  async *pages<T>(
    service: ServiceType,
    path: string,
    collectionKey: string,
    options: ListOptions = {},
  ): AsyncGenerator<T[], void, undefined> {
    const pageSize = options.pageSize === undefined ? this.pageSize : options.pageSize;
    const query = { ...(pageSize === null ? {} : { limit: pageSize }), ...(options.query ?? {}) };
    let requestOptions: RequestOptions = {
      query,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    };
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await this.request<Record<string, unknown> | null>(
        service,
        'GET',
        path,
        requestOptions,
      );
      const items = response.body?.[collectionKey];
      if (!Array.isArray(items)) {
        throw new OpenStackProtocolError(`${service} GET ${path}: response has no "${collectionKey}" array`, {
          service,
          method: 'GET',
          path,
          status: response.status,
          requestId: response.requestId,
          apiMessage: null,
          apiErrorType: null,
        });
      }
      yield items as T[];
      const next = nextPageQuery(response.body, collectionKey);
      if (next === null || items.length === 0) return;
      // Same path, the query from the link (which carries limit, marker and the original filters).
      const key = next.toString();
      if (seen.has(key)) return;
      seen.add(key);
      requestOptions = { ...requestOptions, query: fromSearchParams(next) };
    }
  }

  async listAll<T>(
    service: ServiceType,
    path: string,
    collectionKey: string,
    options: ListOptions = {},
  ): Promise<T[]> {
    const all: T[] = [];
    for await (const page of this.pages<T>(service, path, collectionKey, options)) {
      for (const item of page) all.push(item);
    }
    return all;
  }

  // ---- Nova ----

  /** Public and (for admins, or where shared) private flavors, with details. */
  listFlavors(options: ListOptions = {}): Promise<NovaFlavor[]> {
    // is_public=None: both public and private flavors (default would hide private ones from admins).
    return this.listAll(
      'compute',
      '/flavors/detail',
      'flavors',
      withDefaults(options, { is_public: 'None' }),
    );
  }

  async getFlavor(flavorId: string): Promise<NovaFlavor> {
    return this.unwrap(
      await this.request<{ flavor: NovaFlavor }>('compute', 'GET', `/flavors/${enc(flavorId)}`),
      'flavor',
    );
  }

  // The URL is os-extra_specs (underscore), unlike the API reference's "os-extra-specs" naming; the hyphen
  // form hits no route and Nova answers a bare HTML 404.
  async getFlavorExtraSpecs(flavorId: string): Promise<Record<string, string>> {
    const r = await this.get<{ extra_specs?: Record<string, string> }>(
      'compute',
      `/flavors/${enc(flavorId)}/os-extra_specs`,
    );
    return r.extra_specs ?? {};
  }

  /** Projects a private flavor is shared with. Nova answers 404 for public flavors. */
  async listFlavorAccess(flavorId: string): Promise<NovaFlavorAccess[]> {
    const r = await this.get<{ flavor_access?: NovaFlavorAccess[] }>(
      'compute',
      `/flavors/${enc(flavorId)}/os-flavor-access`,
    );
    return r.flavor_access ?? [];
  }

  async createFlavor(flavor: NovaFlavorCreate): Promise<NovaFlavor> {
    const r = await this.send<{ flavor: NovaFlavor }>('compute', 'POST', '/flavors', { flavor });
    return this.unwrap(r, 'flavor');
  }

  async setFlavorExtraSpecs(
    flavorId: string,
    specs: Record<string, string>,
  ): Promise<Record<string, string>> {
    const r = await this.send<{ extra_specs?: Record<string, string> }>(
      'compute',
      'POST',
      `/flavors/${enc(flavorId)}/os-extra_specs`,
      { extra_specs: specs },
    );
    return r.body?.extra_specs ?? {};
  }

  async addFlavorAccess(flavorId: string, projectId: string): Promise<NovaFlavorAccess[]> {
    const r = await this.send<{ flavor_access?: NovaFlavorAccess[] }>(
      'compute',
      'POST',
      `/flavors/${enc(flavorId)}/action`,
      {
        addTenantAccess: { tenant: projectId },
      },
    );
    return r.body?.flavor_access ?? [];
  }

  async deleteFlavor(flavorId: string): Promise<void> {
    await this.send('compute', 'DELETE', `/flavors/${enc(flavorId)}`);
  }

  listServers(options: ListOptions = {}): Promise<NovaServer[]> {
    return this.listAll('compute', '/servers/detail', 'servers', options);
  }

  async getServer(serverId: string): Promise<NovaServer> {
    return this.unwrap(
      await this.request<{ server: NovaServer }>('compute', 'GET', `/servers/${enc(serverId)}`),
      'server',
    );
  }

  async createServer(server: NovaServerCreate): Promise<NovaServerCreated> {
    return this.unwrap(
      await this.send<{ server: NovaServerCreated }>('compute', 'POST', '/servers', { server }),
      'server',
    );
  }

  async deleteServer(serverId: string): Promise<void> {
    await this.send('compute', 'DELETE', `/servers/${enc(serverId)}`);
  }

  /** The volumes Nova has attached to a server (its BDMs), not Cinder's view. */
  async listServerVolumeAttachments(serverId: string): Promise<NovaVolumeAttachment[]> {
    const r = await this.get<{ volumeAttachments?: NovaVolumeAttachment[] }>(
      'compute',
      `/servers/${enc(serverId)}/os-volume_attachments`,
    );
    return r.volumeAttachments ?? [];
  }

  async getComputeLimits(): Promise<NovaLimits> {
    return this.unwrap(await this.request<{ limits: NovaLimits }>('compute', 'GET', '/limits'), 'limits');
  }

  /** Limit, in_use and reserved per compute resource (instances, cores, ram, ...). */
  async getComputeQuotaDetail(projectId: string): Promise<Record<string, QuotaDetail>> {
    const r = await this.request<{ quota_set: Record<string, unknown> }>(
      'compute',
      'GET',
      `/os-quota-sets/${enc(projectId)}/detail`,
    );
    return quotaLines<QuotaDetail>(this.unwrap(r, 'quota_set'), 'in_use');
  }

  listHypervisors(options: ListOptions = {}): Promise<NovaHypervisor[]> {
    return this.listAll('compute', '/os-hypervisors/detail', 'hypervisors', options);
  }

  // ---- Placement ----

  async listResourceProviders(): Promise<PlacementResourceProvider[]> {
    const r = await this.request<{ resource_providers: PlacementResourceProvider[] }>(
      'placement',
      'GET',
      '/resource_providers',
    );
    return this.unwrap(r, 'resource_providers');
  }

  async getResourceProviderInventories(providerId: string): Promise<Record<string, PlacementInventory>> {
    const r = await this.request<{ inventories: Record<string, PlacementInventory> }>(
      'placement',
      'GET',
      `/resource_providers/${enc(providerId)}/inventories`,
    );
    return this.unwrap(r, 'inventories');
  }

  async getResourceProviderUsages(providerId: string): Promise<Record<string, number>> {
    const r = await this.request<{ usages: Record<string, number> }>(
      'placement',
      'GET',
      `/resource_providers/${enc(providerId)}/usages`,
    );
    return this.unwrap(r, 'usages');
  }

  // ---- Neutron ----

  listNetworks(options: ListOptions = {}): Promise<NeutronNetwork[]> {
    return this.listAll('network', '/networks', 'networks', options);
  }

  listSubnets(options: ListOptions = {}): Promise<NeutronSubnet[]> {
    return this.listAll('network', '/subnets', 'subnets', options);
  }

  listPorts(options: ListOptions = {}): Promise<NeutronPort[]> {
    return this.listAll('network', '/ports', 'ports', options);
  }

  async getPort(portId: string): Promise<NeutronPort> {
    return this.unwrap(
      await this.request<{ port: NeutronPort }>('network', 'GET', `/ports/${enc(portId)}`),
      'port',
    );
  }

  async createPort(port: NeutronPortCreate): Promise<NeutronPort> {
    return this.unwrap(await this.send<{ port: NeutronPort }>('network', 'POST', '/ports', { port }), 'port');
  }

  async updatePort(portId: string, update: NeutronPortUpdate): Promise<NeutronPort> {
    return this.unwrap(
      await this.send<{ port: NeutronPort }>('network', 'PUT', `/ports/${enc(portId)}`, { port: update }),
      'port',
    );
  }

  /** Replaces all tags of a port (standard-attr-tag; create-time tags are not supported everywhere). */
  async setPortTags(portId: string, tags: string[]): Promise<string[]> {
    const r = await this.send<{ tags?: string[] }>('network', 'PUT', `/ports/${enc(portId)}/tags`, { tags });
    return r.body?.tags ?? tags;
  }

  async deletePort(portId: string): Promise<void> {
    await this.send('network', 'DELETE', `/ports/${enc(portId)}`);
  }

  /** Limit, used and reserved per network resource (network, subnet, port, router, ...; singular names). */
  async getNetworkQuotaDetails(projectId: string): Promise<Record<string, NeutronQuotaDetail>> {
    const r = await this.request<{ quota: Record<string, unknown> }>(
      'network',
      'GET',
      `/quotas/${enc(projectId)}/details`,
    );
    return quotaLines<NeutronQuotaDetail>(this.unwrap(r, 'quota'), 'used');
  }

  // ---- Cinder ----

  listVolumes(options: ListOptions = {}): Promise<CinderVolume[]> {
    return this.listAll('block-storage', '/volumes/detail', 'volumes', options);
  }

  async getVolume(volumeId: string): Promise<CinderVolume> {
    return this.unwrap(
      await this.request<{ volume: CinderVolume }>('block-storage', 'GET', `/volumes/${enc(volumeId)}`),
      'volume',
    );
  }

  async createVolume(volume: CinderVolumeCreate): Promise<CinderVolume> {
    return this.unwrap(
      await this.send<{ volume: CinderVolume }>('block-storage', 'POST', '/volumes', { volume }),
      'volume',
    );
  }

  async deleteVolume(volumeId: string, options: { cascade?: boolean } = {}): Promise<void> {
    await this.request('block-storage', 'DELETE', `/volumes/${enc(volumeId)}`, {
      query: options.cascade === true ? { cascade: 'true' } : {},
    });
  }

  async setVolumeBootable(volumeId: string, bootable: boolean): Promise<void> {
    await this.volumeAction(volumeId, { 'os-set_bootable': { bootable } });
  }

  /** Glance-style properties Nova reads from a volume it boots (hw_disk_bus, hw_firmware_type, ...). */
  async setVolumeImageMetadata(
    volumeId: string,
    metadata: Record<string, string>,
  ): Promise<Record<string, string>> {
    const r = await this.volumeAction<{ metadata?: Record<string, string> }>(volumeId, {
      'os-set_image_metadata': { metadata },
    });
    return r.body?.metadata ?? metadata;
  }

  async unsetVolumeImageMetadata(volumeId: string, key: string): Promise<void> {
    await this.volumeAction(volumeId, { 'os-unset_image_metadata': { key } });
  }

  /** Public and (for admins) private volume types. */
  listVolumeTypes(options: ListOptions = {}): Promise<CinderVolumeType[]> {
    // Cinder does not page types; is_public=None makes admins see private types too.
    return this.listAll(
      'block-storage',
      '/types',
      'volume_types',
      withDefaults({ pageSize: null, ...options }, { is_public: 'None' }),
    );
  }

  async getVolumeTypeExtraSpecs(typeId: string): Promise<Record<string, string>> {
    const r = await this.get<{ extra_specs?: Record<string, string> }>(
      'block-storage',
      `/types/${enc(typeId)}/extra_specs`,
    );
    return r.extra_specs ?? {};
  }

  /** Limit, in_use and reserved per volume resource (volumes, gigabytes, snapshots, per-type lines, ...). */
  async getVolumeQuotaUsage(projectId: string): Promise<Record<string, CinderQuotaUsage>> {
    const r = await this.request<{ quota_set: Record<string, unknown> }>(
      'block-storage',
      'GET',
      `/os-quota-sets/${enc(projectId)}`,
      { query: { usage: 'true' } },
    );
    return quotaLines<CinderQuotaUsage>(this.unwrap(r, 'quota_set'), 'in_use');
  }

  listAttachments(options: ListOptions = {}): Promise<CinderAttachment[]> {
    return this.listAll('block-storage', '/attachments/detail', 'attachments', options);
  }

  async getAttachment(attachmentId: string): Promise<CinderAttachment> {
    const r = await this.request<{ attachment: CinderAttachment }>(
      'block-storage',
      'GET',
      `/attachments/${enc(attachmentId)}`,
    );
    return this.unwrap(r, 'attachment');
  }

  async createAttachment(attachment: CinderAttachmentCreate): Promise<CinderAttachment> {
    const r = await this.send<{ attachment: CinderAttachment }>('block-storage', 'POST', '/attachments', {
      attachment,
    });
    return this.unwrap(r, 'attachment');
  }

  /** Marks the attachment as in use (3.44+): the volume becomes `in-use`. */
  async completeAttachment(attachmentId: string): Promise<void> {
    await this.send('block-storage', 'POST', `/attachments/${enc(attachmentId)}/action`, {
      'os-complete': null,
    });
  }

  async deleteAttachment(attachmentId: string): Promise<void> {
    await this.send('block-storage', 'DELETE', `/attachments/${enc(attachmentId)}`);
  }

  // ---- Glance ----

  listImages(options: ListOptions = {}): Promise<GlanceImage[]> {
    return this.listAll('image', '/images', 'images', options);
  }

  async getImage(imageId: string): Promise<GlanceImage> {
    return this.object(await this.request<GlanceImage>('image', 'GET', `/images/${enc(imageId)}`));
  }

  /** Creates the image record (status `queued`); upload the bytes with uploadImageData. */
  async createImage(image: GlanceImageCreate): Promise<GlanceImage> {
    return this.object(await this.send<GlanceImage>('image', 'POST', '/images', image));
  }

  /**
   * Uploads the image bytes (PUT /file). A stream is sent chunked as it is read and cannot be replayed, so a
   * stream upload is neither retried nor re-authenticated; the token is renewed before it starts if it is due.
   */
  async uploadImageData(
    imageId: string,
    data: RawBody,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    await this.request('image', 'PUT', `/images/${enc(imageId)}/file`, {
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
      timeoutMs: options.timeoutMs ?? this.uploadTimeoutMs,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
  }

  async deleteImage(imageId: string): Promise<void> {
    await this.send('image', 'DELETE', `/images/${enc(imageId)}`);
  }

  // ---- internals ----

  private volumeAction<T>(
    volumeId: string,
    action: Record<string, unknown>,
  ): Promise<OpenStackResponse<T | null>> {
    return this.send<T>('block-storage', 'POST', `/volumes/${enc(volumeId)}/action`, action);
  }

  private async get<T>(service: ServiceType, path: string): Promise<Partial<T>> {
    const r = await this.request<T | null>(service, 'GET', path);
    return (r.body ?? {}) as Partial<T>;
  }

  private send<T>(
    service: ServiceType,
    method: HttpMethod,
    path: string,
    json?: unknown,
  ): Promise<OpenStackResponse<T | null>> {
    return this.request<T | null>(service, method, path, json === undefined ? {} : { json });
  }

  /** body[key], or a protocol error naming the call when the service answered something else. */
  private unwrap<B, K extends keyof NonNullable<B>>(
    response: OpenStackResponse<B>,
    key: K,
  ): NonNullable<B>[K] {
    const body = response.body as Record<PropertyKey, unknown> | null;
    const value = body?.[key];
    if (value === undefined || value === null) throw this.shapeError(response, `no "${String(key)}"`);
    return value as NonNullable<B>[K];
  }

  private object<T>(response: OpenStackResponse<T | null>): T {
    if (typeof response.body !== 'object' || response.body === null)
      throw this.shapeError(response, 'no object');
    return response.body;
  }

  private shapeError(response: OpenStackResponse<unknown>, what: string): OpenStackProtocolError {
    const { service, method, path } = response;
    const id = response.requestId === null ? '' : ` [${response.requestId}]`;
    return new OpenStackProtocolError(`${service} ${method} ${path}: response has ${what}${id}`, {
      service,
      method,
      path,
      status: response.status,
      requestId: response.requestId,
      apiMessage: null,
      apiErrorType: null,
    });
  }

  private endpointFor(service: ServiceType, token: KeystoneToken): string {
    const projectId = token.project?.id ?? null;
    const override = this.overrides[service];
    if (override !== undefined) return serviceBaseUrl(service, override, projectId);
    const url = selectEndpoint(token.catalog, service, { interface: this.interface, region: this.region });
    return serviceBaseUrl(service, url, projectId);
  }

  /** One call with the current token; on 401 one more with a freshly issued token. */
  private async requestAuthenticated(
    service: ServiceType,
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    streamed: boolean,
  ): Promise<HttpResponse> {
    const token = await this.auth.getToken();
    try {
      return await this.sendWithToken(token, service, method, path, options);
    } catch (error) {
      if (!(error instanceof OpenStackUnauthenticatedError) || streamed) throw error;
      // Revoked, or expired earlier than its expires_at said (clock skew, Keystone restart with new keys).
      this.auth.invalidate(token);
      const fresh = await this.auth.getToken();
      try {
        return await this.sendWithToken(fresh, service, method, path, options);
      } catch (retryError) {
        if (!(retryError instanceof OpenStackUnauthenticatedError)) throw retryError;
        throw new OpenStackUnauthenticatedError(
          `${retryError.message} (still 401 after re-authentication)`,
          {
            service: retryError.service,
            method: retryError.method,
            path: retryError.path,
            status: retryError.status,
            requestId: retryError.requestId,
            apiMessage: retryError.apiMessage,
            apiErrorType: retryError.apiErrorType,
          },
          { cause: retryError, details: { reauthenticated: true } },
        );
      }
    }
  }

  private sendWithToken(
    token: KeystoneToken,
    service: ServiceType,
    method: HttpMethod,
    path: string,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    let url = `${this.endpointFor(service, token)}${path}`;
    const query = toSearchParams(options.query);
    if ([...query.keys()].length > 0) url = withQuery(url, query);
    return this.transport.send({
      service,
      method,
      url,
      headers: {
        ...microversionHeaders(service, this.microversions, options.microversion),
        ...(options.headers ?? {}),
        'x-auth-token': token.value,
      },
      ...(options.json !== undefined ? { json: options.json } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function withDefaults(options: ListOptions, defaults: QueryParams): ListOptions {
  return { ...options, query: { ...defaults, ...(options.query ?? {}) } };
}

/** The per-resource objects of a quota set (drops `id` and anything that is not a usage line). */
function quotaLines<T extends { limit: number }>(
  set: Record<string, unknown>,
  usageKey: string,
): Record<string, T> {
  const lines: Record<string, T> = {};
  for (const [resource, value] of Object.entries(set)) {
    if (typeof value !== 'object' || value === null) continue;
    const line = value as Record<string, unknown>;
    if (typeof line['limit'] !== 'number' || typeof line[usageKey] !== 'number') continue;
    lines[resource] = line as unknown as T;
  }
  return lines;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
