import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from './logger.js';
import type { OperationsEndpoints } from './operations-endpoints.js';

export interface RunningOperationsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const log = createLogger('operations');

/** A tiny node:http server for a process without an API (`ffo worker --metrics-port`): health, readiness, metrics. */
export async function startOperationsServer(
  endpoints: OperationsEndpoints,
  port: number,
  host = '127.0.0.1',
): Promise<RunningOperationsServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!endpoints.matches(url.pathname, req.method ?? 'GET')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    endpoints.handle(req, res, url).catch((error: unknown) => {
      log.error('operations endpoint failed', { path: url.pathname, error });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
