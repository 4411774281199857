// Keystone v3 password authentication with a project scope: the token comes from X-Subject-Token, its expiry
// and service catalog from the body. The token is cached and renewed a margin before it expires, and on demand
// after a service rejected it (401).

import {
  OpenStackLoginError,
  OpenStackProtocolError,
  OpenStackUnauthenticatedError,
} from '../../errors/openstack-errors.js';
import type { HttpTransport } from './openstack-http.js';
import {
  parseCatalog,
  selectEndpoint,
  serviceBaseUrl,
  type CatalogService,
  type EndpointSelector,
  type ServiceType,
} from './service-catalog.js';

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

export interface KeystoneCredentials {
  username: string;
  password: string;
  /** The user's domain, by id or name. Default: id "default". */
  userDomainId?: string;
  userDomainName?: string;
  /** The project to scope to, by id, or by name within its domain. */
  projectId?: string;
  projectName?: string;
  /** The project's domain (with projectName), by id or name. Default: id "default". */
  projectDomainId?: string;
  projectDomainName?: string;
}

export interface KeystoneToken {
  /** The X-Subject-Token value. Secret: never log it. */
  value: string;
  /** Epoch ms; null when the body carried no parseable expires_at (then only a 401 renews it). */
  expiresAt: number | null;
  issuedAt: number | null;
  project: { id: string; name: string; domainId: string | null; domainName: string | null } | null;
  user: { id: string; name: string; domainId: string | null };
  roles: string[];
  catalog: CatalogService[];
}

/** What OpenStackClient needs from authentication; KeystoneAuth implements it, tests may fake it. */
export interface TokenProvider {
  /** Keystone's URL, ending in /v3. */
  readonly authUrl: string;
  /** A token valid for at least the refresh margin; authenticates when none is cached or it is due. */
  getToken(): Promise<KeystoneToken>;
  /** Forgets `token` (a service answered 401 to it), so the next getToken() authenticates again. */
  invalidate(token: KeystoneToken): void;
}

export interface KeystoneAuthOptions {
  /** e.g. "https://keystone.example.com:5000/v3" (/v3 is appended when missing). */
  authUrl: string;
  credentials: KeystoneCredentials;
  transport: HttpTransport;
  /** Renew the token this long before it expires. Default 60 s. */
  refreshMarginMs?: number;
  clock?: Clock;
}

const DEFAULT_REFRESH_MARGIN_MS = 60_000;

export class KeystoneAuth implements TokenProvider {
  readonly authUrl: string;
  private readonly credentials: KeystoneCredentials;
  private readonly transport: HttpTransport;
  private readonly refreshMarginMs: number;
  private readonly clock: Clock;
  private token: KeystoneToken | null = null;
  /** One authentication in flight at a time: concurrent callers share it. */
  private pending: Promise<KeystoneToken> | null = null;
  private authCount = 0;

  constructor(options: KeystoneAuthOptions) {
    this.authUrl = serviceBaseUrl('identity', options.authUrl, null);
    this.credentials = options.credentials;
    this.transport = options.transport;
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.clock = options.clock ?? Date.now;
  }

  /** Number of password authentications made so far (stats, tests). */
  get authentications(): number {
    return this.authCount;
  }

  /** The cached token, without authenticating (null before the first getToken()). */
  get current(): KeystoneToken | null {
    return this.token;
  }

  async getToken(): Promise<KeystoneToken> {
    if (this.token !== null && !this.isDue(this.token)) return this.token;
    if (this.pending === null) {
      // Shared by concurrent callers, so no caller's AbortSignal: the transport's deadline bounds it.
      this.pending = this.authenticate().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  invalidate(token: KeystoneToken): void {
    // Only the token that failed: a concurrent call may already have replaced it with a fresh one.
    if (this.token?.value === token.value) this.token = null;
  }

  /** Endpoint base URL for a service from the current token's catalog (authenticates if needed). */
  async endpoint(serviceType: ServiceType, selector: EndpointSelector): Promise<string> {
    const token = await this.getToken();
    const url = selectEndpoint(token.catalog, serviceType, selector);
    return serviceBaseUrl(serviceType, url, token.project?.id ?? null);
  }

  private isDue(token: KeystoneToken): boolean {
    if (token.expiresAt === null) return false;
    // A short-lived token (lifetime below twice the margin) would otherwise be renewed on every call.
    const lifetime = token.issuedAt === null ? Infinity : token.expiresAt - token.issuedAt;
    const margin = Math.min(this.refreshMarginMs, lifetime / 2);
    return this.clock() >= token.expiresAt - margin;
  }

  private async authenticate(): Promise<KeystoneToken> {
    this.authCount += 1;
    let response;
    try {
      response = await this.transport.send({
        service: 'identity',
        method: 'POST',
        url: `${this.authUrl}/auth/tokens`,
        json: passwordAuthBody(this.credentials),
      });
    } catch (error) {
      if (error instanceof OpenStackUnauthenticatedError) {
        // Keep the context (request id!) but make clear this is a credentials problem, not an expiry.
        throw new OpenStackLoginError(
          `Keystone rejected the credentials of ${this.credentials.username}: ${error.apiMessage ?? 'HTTP 401'}`,
          {
            service: error.service,
            method: error.method,
            path: error.path,
            status: error.status,
            requestId: error.requestId,
            apiMessage: error.apiMessage,
            apiErrorType: error.apiErrorType,
          },
          { cause: error },
        );
      }
      throw error;
    }
    const value = response.headers.get('x-subject-token');
    const context = {
      service: 'identity',
      method: 'POST',
      path: new URL(`${this.authUrl}/auth/tokens`).pathname,
      status: response.status,
      requestId: response.requestId,
      apiMessage: null,
      apiErrorType: null,
    };
    if (value === null || value === '') {
      throw new OpenStackProtocolError('Keystone issued no X-Subject-Token header', context);
    }
    const token = parseTokenBody(value, response.body);
    if (token === null) {
      throw new OpenStackProtocolError('Keystone token response has no "token" object', context);
    }
    this.token = token;
    return token;
  }
}

/** POST /v3/auth/tokens body for password auth scoped to a project. */
export function passwordAuthBody(credentials: KeystoneCredentials): unknown {
  const userDomain =
    credentials.userDomainId !== undefined
      ? { id: credentials.userDomainId }
      : credentials.userDomainName !== undefined
        ? { name: credentials.userDomainName }
        : { id: 'default' };
  let project: Record<string, unknown> | null = null;
  if (credentials.projectId !== undefined) {
    project = { id: credentials.projectId };
  } else if (credentials.projectName !== undefined) {
    const domain =
      credentials.projectDomainId !== undefined
        ? { id: credentials.projectDomainId }
        : credentials.projectDomainName !== undefined
          ? { name: credentials.projectDomainName }
          : { id: 'default' };
    project = { name: credentials.projectName, domain };
  }
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: credentials.username, domain: userDomain, password: credentials.password },
        },
      },
      // Without a scope Keystone issues an unscoped token with no catalog: useless to us, but it is the
      // caller's choice (e.g. listing projects first).
      ...(project !== null ? { scope: { project } } : {}),
    },
  };
}

/** The parts of a token body we use; null when there is no `token` object. */
export function parseTokenBody(value: string, body: unknown): KeystoneToken | null {
  const token = record(record(body)?.['token']);
  if (token === null) return null;
  const user = record(token['user']);
  const project = record(token['project']);
  const projectDomain = record(project?.['domain']);
  const roles = Array.isArray(token['roles']) ? (token['roles'] as unknown[]) : [];
  return {
    value,
    expiresAt: time(token['expires_at']),
    issuedAt: time(token['issued_at']),
    project:
      project !== null && typeof project['id'] === 'string'
        ? {
            id: project['id'],
            name: typeof project['name'] === 'string' ? project['name'] : project['id'],
            domainId: typeof projectDomain?.['id'] === 'string' ? projectDomain['id'] : null,
            domainName: typeof projectDomain?.['name'] === 'string' ? projectDomain['name'] : null,
          }
        : null,
    user: {
      id: typeof user?.['id'] === 'string' ? user['id'] : '',
      name: typeof user?.['name'] === 'string' ? user['name'] : '',
      domainId:
        typeof record(user?.['domain'])?.['id'] === 'string'
          ? (record(user?.['domain'])!['id'] as string)
          : null,
    },
    roles: roles.flatMap((r) => {
      const name = record(r)?.['name'];
      return typeof name === 'string' ? [name] : [];
    }),
    catalog: parseCatalog(token['catalog']),
  };
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Keystone writes "2026-11-26T21:59:48.000000Z" (microseconds); a missing zone means UTC, not local. */
function time(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : ms;
}
