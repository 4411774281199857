// A scripted OpenStack cloud on 127.0.0.1 (real sockets, node:http) for the client tests. All services live on
// one port under path prefixes (/identity/v3, /compute/v2.1, /network, /volume/v3/<project>, /image, /placement);
// the token's catalog points at them.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonFixture } from './fixture-files.js';

export interface RecordedRequest {
  method: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status?: number;
  /** JSON body (serialized), or a raw string body. */
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Never answer (timeout tests). */
  hang?: boolean;
  /** Drop the connection without an answer (network error tests). */
  destroy?: boolean;
}

export type FakeRoute = (request: RecordedRequest, callIndex: number) => FakeReply;

export const PROJECT_ID = '8e4f1c2a9d3b4f6e8a1b2c3d4e5f6a7b';
/** The token fixture says issued 2030-01-01T00:00:00Z, expires one hour later. */
export const TOKEN_ISSUED_AT = Date.parse('2030-01-01T00:00:00Z');
export const TOKEN_EXPIRES_AT = Date.parse('2030-01-01T01:00:00Z');

/** Where each service lives on the fake server (matches token.crafted.json's catalog, region RegionOne). */
export const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  compute: '/compute/v2.1',
  network: '/network/v2.0',
  'block-storage': `/volume/v3/${PROJECT_ID}`,
  image: '/image/v2',
  placement: '/placement',
};

/** A recorded or crafted site: "<service> <METHOD> <path below the service base>" -> JSON body. */
export type SiteFixture = Record<string, unknown>;

export class FakeOpenStack {
  readonly requests: RecordedRequest[] = [];
  /** Tokens issued so far; a request with another token (or an invalidated one) gets 401. */
  readonly validTokens = new Set<string>();
  private readonly server: Server;
  private readonly routes = new Map<string, FakeRoute>();
  private readonly counts = new Map<string, number>();
  private issued = 0;
  private base = '';

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.on('POST', '/identity/v3/auth/tokens', (req) => this.issueToken(req));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get baseUrl(): string {
    return this.base;
  }

  get authUrl(): string {
    return `${this.base}/identity/v3`;
  }

  /** Routes `method path` (exact path, query ignored) to `route`; replaces an earlier route. */
  on(method: string, path: string, route: FakeRoute): this {
    this.routes.set(`${method} ${path}`, route);
    return this;
  }

  /** Shorthand: always answer `json` with 200 (or `status`). */
  json(
    method: string,
    path: string,
    json: unknown,
    status = 200,
    headers: Record<string, string> = {},
  ): this {
    return this.on(method, path, () => ({ status, json, headers }));
  }

  /** Serves every response of a site fixture (query strings ignored; {{PROJECT}} replaced by PROJECT_ID). */
  serveSite(site: SiteFixture): this {
    for (const [key, body] of Object.entries(site)) {
      if (key.startsWith('_')) continue;
      const [service, method, path] = key.split(' ') as [string, string, string];
      const prefix = SERVICE_PREFIX[service];
      if (prefix === undefined) throw new Error(`unknown service in site fixture: ${key}`);
      const json = JSON.parse(JSON.stringify(body).replaceAll('{{PROJECT}}', PROJECT_ID)) as unknown;
      this.json(method, `${prefix}${path.replaceAll('{{PROJECT}}', PROJECT_ID)}`, json);
    }
    return this;
  }

  /** Requests other than token requests, as "METHOD /path?query". */
  calls(): string[] {
    return this.requests
      .filter((r) => r.path !== '/identity/v3/auth/tokens')
      .map((r) => `${r.method} ${r.path}${[...r.query.keys()].length > 0 ? `?${r.query.toString()}` : ''}`);
  }

  tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/identity/v3/auth/tokens');
  }

  /** Makes every issued token invalid (as after a Keystone key rotation): the next call gets 401. */
  revokeAll(): void {
    this.validTokens.clear();
  }

  private issueToken(req: RecordedRequest): FakeReply {
    const body = JSON.parse(req.body) as { auth: { identity: { password: { user: { password: string } } } } };
    if (body.auth.identity.password.user.password !== 'S3cret!') {
      return {
        status: 401,
        json: readJsonFixture('error-keystone-401.crafted.json'),
        headers: { 'x-openstack-request-id': 'req-keystone-401' },
      };
    }
    this.issued += 1;
    const token = `tok-${this.issued}`;
    this.validTokens.add(token);
    const text = JSON.stringify(readJsonFixture('token.crafted.json'))
      .replaceAll('{{BASE}}', this.base)
      .replaceAll('{{PROJECT}}', PROJECT_ID);
    return {
      status: 201,
      text,
      headers: { 'x-subject-token': token, 'x-openstack-request-id': `req-token-${this.issued}` },
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      const key = `${request.method} ${request.path}`;
      const index = this.counts.get(key) ?? 0;
      this.counts.set(key, index + 1);
      const route = this.routes.get(key);
      let reply: FakeReply;
      if (route === undefined) {
        reply = { status: 404, json: { itemNotFound: { code: 404, message: `fake: no route for ${key}` } } };
      } else if (
        request.path !== '/identity/v3/auth/tokens' &&
        !this.validTokens.has(String(req.headers['x-auth-token']))
      ) {
        reply = {
          status: 401,
          json: {
            error: {
              code: 401,
              message: 'The request you have made requires authentication.',
              title: 'Unauthorized',
            },
          },
          headers: { 'x-openstack-request-id': `req-401-${index}` },
        };
      } else {
        reply = route(request, index);
      }
      if (reply.hang === true) return;
      if (reply.destroy === true) {
        req.socket.destroy();
        return;
      }
      const status = reply.status ?? 200;
      if (reply.json !== undefined || reply.text !== undefined) {
        const body = reply.text ?? JSON.stringify(reply.json);
        res.writeHead(status, {
          'content-type':
            reply.json !== undefined || reply.text?.startsWith('{') === true
              ? 'application/json'
              : 'text/plain',
          ...(reply.headers ?? {}),
        });
        res.end(body);
      } else {
        res.writeHead(status, reply.headers ?? {});
        res.end();
      }
    });
  }
}
