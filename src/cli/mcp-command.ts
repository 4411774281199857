import type { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { buildSchema } from '../api/schema-builder.js';
import { openRuntime } from '../app/runtime.js';
import { principalOfToken } from '../mcp/mcp-auth.js';
import { createMcpServer } from '../mcp/mcp-server-factory.js';

/** Resolves when the MCP client goes away (stdin ends) or the process is asked to stop. */
const untilClientGone = (): Promise<void> =>
  new Promise((resolve) => {
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/**
 * `ffo mcp`: the MCP tool server on stdin/stdout for agents that spawn it. stdout carries only JSON-RPC, so
 * everything else goes to stderr. The caller is the token in FFO_TOKEN (same JWTs and roles as the API).
 */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('MCP tool server over stdio (VMware, OpenStack and twin tools); auth: FFO_TOKEN')
    .action(async () => {
      const runtime = await openRuntime();
      try {
        const principal = await principalOfToken(process.env.FFO_TOKEN, runtime.config);
        const schema = await buildSchema(runtime.graph.driver);
        const server = createMcpServer(principal, { runtime, schema });
        const gone = untilClientGone();
        await server.connect(new StdioServerTransport());
        console.error(`FFO MCP server ready on stdio (${principal.subject}: ${principal.roles.join(', ')})`);
        await gone;
        await server.close();
      } finally {
        await runtime.close();
      }
    });
}
