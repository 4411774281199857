// A small vim25 SOAP client over undici fetch: session cookie, timeouts, error mapping, and the few
// PropertyCollector/ViewManager calls discovery needs. No WSDL: envelopes are built by
// soap-envelope.ts and responses parsed by soap-response-parser.ts.

import { networkFailure, ownDispatcher } from '../http-dispatcher.js';
import { fetch, type Dispatcher } from 'undici';
import {
  VSphereNotAuthenticatedError,
  VSphereProtocolError,
  VSphereUnreachableError,
} from '../../errors/vsphere-errors.js';
import type { VCenterAbout } from './inventory-types.js';
import { moRef, moRefOf, type ManagedObjectReference } from './managed-object-reference.js';
import { parseRetrieveResult, type ObjectContent, type RetrieveResult } from './retrieve-result.js';
import {
  buildSoapEnvelope,
  propertyFilterSpecToSoap,
  soapObject,
  type PropertyFilterSpec,
  type SoapValue,
} from './soap-envelope.js';
import { parseSoapResponse, type PrunePredicate, type XmlEngine } from './soap-response-parser.js';
import { childOf, isXmlObject, textOf, type XmlObject, type XmlValue } from './xml-tree.js';

/** What discovery code needs from a logged-in vim25 session; VimClient implements it, tests may fake it. */
export interface VimSession {
  /** ServiceContent.about of the connected server. */
  about(): Promise<VCenterAbout>;
  /** ServiceContent (fetched once, then cached). */
  retrieveServiceContent(): Promise<ServiceContent>;
  /** ContainerView over `container` (default: the root folder) listing objects of `types`. */
  createContainerView(
    types: readonly string[],
    recursive: boolean,
    container?: ManagedObjectReference,
  ): Promise<ManagedObjectReference>;
  destroyView(view: ManagedObjectReference): Promise<void>;
  retrievePropertiesEx(
    specSet: readonly PropertyFilterSpec[],
    maxObjects?: number,
    options?: ResponseOptions,
  ): Promise<RetrieveResult>;
  continueRetrievePropertiesEx(token: string, options?: ResponseOptions): Promise<RetrieveResult>;
  /** All pages of a retrieval, one array of objects per page; cancels the server-side cursor on early exit. */
  retrievePropertyPages(
    specSet: readonly PropertyFilterSpec[],
    maxObjects?: number,
    options?: ResponseOptions,
  ): AsyncIterable<ObjectContent[]>;
}

/** How a response is turned into a tree. */
export interface ResponseOptions {
  /** Leave matching xsi:typed elements (and subtrees) out, e.g. device kinds discovery never reads. */
  prune?: PrunePredicate;
}

export interface CallOptions extends ResponseOptions {
  /** Cancels the call; the signal's reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface ServiceContent {
  rootFolder: ManagedObjectReference;
  propertyCollector: ManagedObjectReference;
  viewManager: ManagedObjectReference | null;
  sessionManager: ManagedObjectReference | null;
  about: VCenterAbout & { name: string | null; version: string | null; build: string | null };
  /** The parsed returnval, for fields this type does not name. */
  raw: XmlObject;
}

export interface VimClientOptions {
  /** SDK endpoint, e.g. "https://vcenter.example.com/sdk" (http:// works too, e.g. vcsim -tls=false). */
  url: string;
  /** PEM CA bundle to trust instead of the system store (e.g. the VMCA root of a vCenter). */
  ca?: string;
  /** Skip TLS certificate verification. Test and lab use only. */
  insecure?: boolean;
  /** Per-call deadline covering connect, server time and body download. Default 300 s (big retrievals). */
  timeoutMs?: number;
  /** TCP/TLS connect deadline. Default 10 s. */
  connectTimeoutMs?: number;
  /** vim25 version for SOAPAction before ServiceContent is known; afterwards the server's apiVersion is used. */
  apiVersion?: string;
  /** XML engine; 'fast' (default) or 'fast-xml-parser' (reference, ~8x slower on big responses). */
  xmlEngine?: XmlEngine;
  /** Login again once and retry when a call fails with NotAuthenticated (idle session expiry). Default true. */
  reloginOnSessionExpiry?: boolean;
  /** Called after every SOAP call, e.g. to aggregate timings in a benchmark. */
  onCall?: (stats: VimCallStats) => void;
  /** Custom undici dispatcher (replaces the Agent built from ca/insecure/connectTimeoutMs). */
  dispatcher?: Dispatcher;
}

/** Timing and size of one SOAP call. */
export interface VimCallStats {
  method: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  /** Request sent until the full response body arrived: the "raw" server + transfer time. */
  httpMs: number;
  /** UTF-8 decode + XML parse + fault mapping. */
  parseMs: number;
  totalMs: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_API_VERSION = '6.5';
const SESSION_COOKIE = 'vmware_soap_session';
const SERVICE_INSTANCE = moRef('ServiceInstance', 'ServiceInstance');

export class VimClient implements VimSession {
  readonly url: string;
  /** Stats of the most recent SOAP call (null before the first). */
  lastCall: VimCallStats | null = null;

  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly xmlEngine: XmlEngine;
  private readonly relogin: boolean;
  private readonly onCall: ((stats: VimCallStats) => void) | undefined;
  private apiVersion: string;
  private cookie: string | null = null;
  private serviceContent: ServiceContent | null = null;
  private credentials: { userName: string; password: string } | null = null;

  constructor(options: VimClientOptions) {
    const parsed = new URL(options.url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new TypeError(`Unsupported vSphere URL scheme: ${parsed.protocol}`);
    }
    this.url = parsed.toString();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.xmlEngine = options.xmlEngine ?? 'fast';
    this.relogin = options.reloginOnSessionExpiry ?? true;
    this.onCall = options.onCall;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    const pool = ownDispatcher({
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
      ...(options.dispatcher !== undefined ? { dispatcher: options.dispatcher } : {}),
    });
    this.dispatcher = pool.dispatcher;
    this.ownsDispatcher = pool.owned;
  }

  /**
   * Value of the vmware_soap_session cookie exactly as the server set it (vCenter quotes it), null without a
   * session. Other HTTP clients (datastore /folder downloads, nbdkit's curl plugin) send it back as
   * `vmware_soap_session=<value>` to reuse this session.
   */
  sessionCookie(): string | null {
    return this.cookie === null ? null : this.cookie.slice(SESSION_COOKIE.length + 1);
  }

  /** True after a successful login() until logout(). */
  get isLoggedIn(): boolean {
    return this.credentials !== null;
  }

  async retrieveServiceContent(): Promise<ServiceContent> {
    if (this.serviceContent !== null) return this.serviceContent;
    const ret = await this.call('RetrieveServiceContent', SERVICE_INSTANCE);
    const content = parseServiceContent(ret);
    this.serviceContent = content;
    // Speak the server's own API version from now on (SOAPAction selects the vim25 dialect).
    if (content.about.apiVersion !== '') this.apiVersion = content.about.apiVersion;
    return content;
  }

  async about(): Promise<VCenterAbout> {
    const { about } = await this.retrieveServiceContent();
    return {
      instanceUuid: about.instanceUuid,
      fullName: about.fullName,
      apiVersion: about.apiVersion,
      apiType: about.apiType,
    };
  }

  /** Logs in; InvalidLogin becomes VSphereLoginError. Credentials are kept for re-login on expiry. */
  async login(userName: string, password: string): Promise<void> {
    const sc = await this.retrieveServiceContent();
    const sessionManager = requireRef(sc.sessionManager, 'sessionManager');
    await this.call('Login', sessionManager, { userName, password });
    this.credentials = { userName, password };
  }

  async logout(): Promise<void> {
    const sc = this.serviceContent;
    this.credentials = null;
    if (sc?.sessionManager == null || this.cookie === null) {
      this.cookie = null;
      return;
    }
    try {
      await this.call('Logout', sc.sessionManager);
    } catch (error) {
      // An already expired session is logged out; anything else is worth reporting.
      if (!(error instanceof VSphereNotAuthenticatedError)) throw error;
    } finally {
      this.cookie = null;
    }
  }

  /** Releases the connection pool. The client is unusable afterwards. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async createContainerView(
    types: readonly string[],
    recursive: boolean,
    container?: ManagedObjectReference,
  ): Promise<ManagedObjectReference> {
    const sc = await this.retrieveServiceContent();
    const ret = await this.call('CreateContainerView', requireRef(sc.viewManager, 'viewManager'), {
      container: container ?? sc.rootFolder,
      type: types,
      recursive,
    });
    const view = moRefOf(ret);
    if (view === null) throw new VSphereProtocolError('CreateContainerView returned no view reference');
    return view;
  }

  async destroyView(view: ManagedObjectReference): Promise<void> {
    await this.call('DestroyView', view);
  }

  async retrievePropertiesEx(
    specSet: readonly PropertyFilterSpec[],
    maxObjects?: number,
    options: ResponseOptions = {},
  ): Promise<RetrieveResult> {
    const sc = await this.retrieveServiceContent();
    const args = { specSet: specSet.map(propertyFilterSpecToSoap), options: soapObject({ maxObjects }) };
    return parseRetrieveResult(await this.call('RetrievePropertiesEx', sc.propertyCollector, args, options));
  }

  async continueRetrievePropertiesEx(token: string, options: ResponseOptions = {}): Promise<RetrieveResult> {
    const sc = await this.retrieveServiceContent();
    const ret = await this.call('ContinueRetrievePropertiesEx', sc.propertyCollector, { token }, options);
    return parseRetrieveResult(ret);
  }

  async cancelRetrievePropertiesEx(token: string): Promise<void> {
    const sc = await this.retrieveServiceContent();
    await this.call('CancelRetrievePropertiesEx', sc.propertyCollector, { token });
  }

  async *retrievePropertyPages(
    specSet: readonly PropertyFilterSpec[],
    maxObjects?: number,
    options: ResponseOptions = {},
  ): AsyncGenerator<ObjectContent[], void, undefined> {
    let page = await this.retrievePropertiesEx(specSet, maxObjects, options);
    let finished = false;
    try {
      for (;;) {
        yield page.objects;
        if (page.token === null) break;
        page = await this.continueRetrievePropertiesEx(page.token, options);
      }
      finished = true;
    } finally {
      // Consumer stopped early (or a later page failed): free the server-side result set.
      if (!finished && page.token !== null) {
        await this.cancelRetrievePropertiesEx(page.token).catch(() => undefined);
      }
    }
  }

  /** All objects of a (possibly paged) retrieval. */
  async retrieveAllProperties(
    specSet: readonly PropertyFilterSpec[],
    maxObjects?: number,
    options: ResponseOptions = {},
  ): Promise<ObjectContent[]> {
    const all: ObjectContent[] = [];
    for await (const objects of this.retrievePropertyPages(specSet, maxObjects, options)) {
      for (const o of objects) all.push(o);
    }
    return all;
  }

  /**
   * Invokes a vim25 method and returns its parsed `returnval` (undefined for void methods).
   * Re-logs in once on NotAuthenticated when credentials are known.
   */
  async call(
    method: string,
    thisRef: ManagedObjectReference,
    args: Readonly<Record<string, SoapValue>> = {},
    options: CallOptions = {},
  ): Promise<XmlValue | undefined> {
    try {
      return await this.invoke(method, thisRef, args, options);
    } catch (error) {
      const canRelogin =
        this.relogin &&
        error instanceof VSphereNotAuthenticatedError &&
        this.credentials !== null &&
        method !== 'Login' &&
        method !== 'Logout';
      if (!canRelogin || this.credentials === null) throw error;
      const { userName, password } = this.credentials;
      this.cookie = null;
      await this.login(userName, password);
      return await this.invoke(method, thisRef, args, options);
    }
  }

  private async invoke(
    method: string,
    thisRef: ManagedObjectReference,
    args: Readonly<Record<string, SoapValue>>,
    options: CallOptions,
  ): Promise<XmlValue | undefined> {
    const callerSignal = options.signal;
    const body = buildSoapEnvelope(method, thisRef, args);
    const headers: Record<string, string> = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"urn:vim25/${this.apiVersion}"`,
    };
    if (this.cookie !== null) headers['cookie'] = this.cookie;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([timeout, callerSignal]);

    const t0 = performance.now();
    let status: number;
    let contentType: string;
    let bytes: Buffer;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers,
        body,
        signal,
        dispatcher: this.dispatcher,
      });
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      this.captureCookie(response.headers.getSetCookie());
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      if (callerSignal?.aborted === true) throw callerSignal.reason;
      throw this.networkError(method, error, timeout.aborted);
    }
    const t1 = performance.now();

    try {
      if (status !== 200 && !(status === 500 && contentType.includes('xml'))) {
        throw this.httpError(method, status, bytes);
      }
      const text = bytes.toString('utf8');
      return parseSoapResponse(text, method, { engine: this.xmlEngine, prune: options.prune });
    } finally {
      const t2 = performance.now();
      const stats: VimCallStats = {
        method,
        status,
        requestBytes: Buffer.byteLength(body),
        responseBytes: bytes.length,
        httpMs: t1 - t0,
        parseMs: t2 - t1,
        totalMs: t2 - t0,
      };
      this.lastCall = stats;
      this.onCall?.(stats);
    }
  }

  private captureCookie(setCookies: string[]): void {
    for (const header of setCookies) {
      const pair = header.split(';', 1)[0]!.trim();
      if (pair.startsWith(`${SESSION_COOKIE}=`)) this.cookie = pair;
    }
  }

  private networkError(method: string, error: unknown, timedOut: boolean): VSphereUnreachableError {
    const host = new URL(this.url).host;
    if (timedOut) {
      return new VSphereUnreachableError(`${method}: no response from ${host} within ${this.timeoutMs} ms`, {
        cause: error,
        details: { method, host, reason: 'timeout' },
      });
    }
    const { reason, tls, code } = networkFailure(error);
    return new VSphereUnreachableError(`${method}: cannot reach ${host}: ${reason}`, {
      cause: error,
      retryable: !tls,
      details: { method, host, reason: tls ? 'tls' : 'network', code },
    });
  }

  private httpError(method: string, status: number, bytes: Buffer): Error {
    const host = new URL(this.url).host;
    const details = { method, host, status };
    if (status === 502 || status === 503 || status === 504) {
      return new VSphereUnreachableError(`${method}: ${host} answered HTTP ${status}`, { details });
    }
    const snippet = bytes.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ');
    return new VSphereProtocolError(`${method}: unexpected HTTP ${status} from ${host}: ${snippet}`, {
      details,
    });
  }
}

function requireRef(ref: ManagedObjectReference | null, name: string): ManagedObjectReference {
  if (ref === null) throw new VSphereProtocolError(`ServiceContent has no ${name}`);
  return ref;
}

export function parseServiceContent(ret: XmlValue | undefined): ServiceContent {
  if (!isXmlObject(ret)) throw new VSphereProtocolError('RetrieveServiceContent returned no ServiceContent');
  const rootFolder = moRefOf(ret['rootFolder']);
  const propertyCollector = moRefOf(ret['propertyCollector']);
  if (rootFolder === null || propertyCollector === null) {
    throw new VSphereProtocolError('ServiceContent lacks rootFolder or propertyCollector');
  }
  const about = ret['about'];
  const field = (name: string): string => textOf(childOf(about, name)) ?? '';
  const optional = (name: string): string | null => textOf(childOf(about, name));
  return {
    rootFolder,
    propertyCollector,
    viewManager: moRefOf(ret['viewManager']),
    sessionManager: moRefOf(ret['sessionManager']),
    about: {
      instanceUuid: field('instanceUuid'),
      fullName: field('fullName'),
      apiVersion: field('apiVersion'),
      apiType: field('apiType'),
      name: optional('name'),
      version: optional('version'),
      build: optional('build'),
    },
    raw: ret,
  };
}
