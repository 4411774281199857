import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A non-GraphQL endpoint on the API's HTTP server (the Migration Monitor, MCP, health and metrics).
 * Routes are asked in order before GraphQL; the first that matches answers.
 */
export interface HttpRoute {
  /** A short name for logs and metrics. */
  readonly name: string;
  matches(pathname: string, method: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Called once when the API server stops. */
  close?(): Promise<void>;
}
