// A scripted vim25 endpoint on 127.0.0.1 (real sockets, node:http/https) for VimClient tests.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFixture } from './fixture-files.js';

export interface RecordedRequest {
  method: string;
  body: string;
  cookie: string | null;
  soapAction: string | null;
}

export interface FakeReply {
  status?: number;
  body: string;
  headers?: Record<string, string | string[]>;
  /** Never answer (for timeout tests). */
  hang?: boolean;
}

export type FakeHandler = (request: RecordedRequest, callIndex: number) => FakeReply;

/** Default script: ServiceContent, Login with cookie, the inventory view, one-page retrieval. */
export function defaultHandlers(): Record<string, FakeHandler> {
  return {
    RetrieveServiceContent: () => ({ body: readFixture('service-content.vcsim.xml') }),
    Login: (req) =>
      req.body.includes('<password>S3cret!</password>')
        ? {
            body: readFixture('login.vcsim.xml'),
            headers: {
              'set-cookie': ['other=1; Path=/', 'vmware_soap_session="sess-1"; Path=/; HttpOnly; Secure'],
            },
          }
        : { status: 500, body: readFixture('fault-invalid-login.vcsim.xml') },
    Logout: () => ({ body: readFixture('logout.vcsim.xml') }),
    CreateContainerView: () => ({ body: readFixture('create-container-view.vcsim.xml') }),
    DestroyView: () => ({ body: readFixture('destroy-view.vcsim.xml') }),
    RetrievePropertiesEx: () => ({ body: readFixture('retrieve-inventory.vcenter.xml') }),
  };
}

export class FakeVCenter {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';
  private readonly counts = new Map<string, number>();

  constructor(
    readonly handlers: Record<string, FakeHandler> = defaultHandlers(),
    tls?: { cert: string; key: string },
  ) {
    const listener = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    this.server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
    this.scheme = tls === undefined ? 'http' : 'https';
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `${this.scheme}://127.0.0.1:${port}/sdk`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = /<soapenv:Body><(\w+)[ >]/.exec(body)?.[1] ?? 'unknown';
      const request: RecordedRequest = {
        method,
        body,
        cookie: req.headers.cookie ?? null,
        soapAction: (req.headers.soapaction as string | undefined) ?? null,
      };
      this.requests.push(request);
      const index = this.counts.get(method) ?? 0;
      this.counts.set(method, index + 1);
      const handler = this.handlers[method];
      const reply: FakeReply =
        handler === undefined
          ? { status: 500, body: readFixture('fault-method-not-found.vcsim.xml') }
          : handler(request, index);
      if (reply.hang === true) return;
      res.writeHead(reply.status ?? 200, {
        'content-type': 'text/xml; charset=utf-8',
        ...(reply.headers ?? {}),
      });
      res.end(reply.body);
    });
  }
}
