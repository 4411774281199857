import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { HttpRoute } from '../api/http-route.js';
import { httpStatusFor } from '../api/format-error.js';
import { ErrorCode, asFfoError } from '../errors/index.js';
import { principalOfRequest } from './mcp-auth.js';
import type { McpDependencies } from './mcp-dependencies.js';
import { createMcpServer } from './mcp-server-factory.js';

export const MCP_PATH = '/mcp';

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(status === 401 ? { 'www-authenticate': 'Bearer realm="ffo-twin"' } : {}),
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * MCP over Streamable HTTP at /mcp, stateless: each POST is authenticated on its own and served by a fresh
 * server bound to that caller, so any API replica can answer any request and roles can never leak between
 * callers. Progress of a followed call streams back as SSE on the same response.
 */
export function mcpHttpRoute(deps: McpDependencies): HttpRoute {
  const open = new Set<StreamableHTTPServerTransport>();
  return {
    name: 'mcp',
    matches: (pathname) => pathname === MCP_PATH,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      let principal;
      try {
        principal = await principalOfRequest(req, deps.runtime.config);
      } catch (error) {
        const ffo = asFfoError(error);
        refuse(res, httpStatusFor(ffo.code) ?? 500, ffo.code, ffo.message);
        return;
      }
      if (req.method !== 'POST') {
        // No sessions, so no standalone event stream (GET) and nothing to end (DELETE).
        refuse(res, 405, ErrorCode.BAD_INPUT, 'this MCP endpoint is stateless: POST JSON-RPC messages');
        return;
      }
      const server = createMcpServer(principal, deps);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      open.add(transport);
      res.on('close', () => {
        open.delete(transport);
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    },
    async close(): Promise<void> {
      await Promise.allSettled([...open].map((t) => t.close()));
      open.clear();
    },
  };
}
