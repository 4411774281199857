import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startApiServer, type RunningApi } from '../../../src/api/api-server.js';
import { buildSchema } from '../../../src/api/schema-builder.js';
import { apiRoutes } from '../../../src/app/api-routes.js';
import { openRuntime, type Runtime } from '../../../src/app/runtime.js';
import { issueToken } from '../../../src/auth/jwt-auth.js';
import type { Role } from '../../../src/auth/roles.js';
import { EngineLab } from './engine-lab.js';

/** What a tool call gave back, with the progress notifications it streamed. */
export interface ToolCall {
  result: CallToolResult;
  structured: Record<string, unknown>;
  progress: { progress: number; message?: string }[];
}

/**
 * The engine lab seen by MCP clients: the process environment points at the private vCenter and the test's queue
 * prefix, so `openRuntime()` here (behind a real API server with the app's routes) and `ffo mcp` children see the
 * same estate, and `ffo worker` children run what they start.
 */
export class McpLab extends EngineLab {
  runtime!: Runtime;
  api!: RunningApi;
  readonly clients: Client[] = [];
  /** Every text a tool returned, to check that no secret ever appears. */
  readonly outputs: string[] = [];
  private secret!: string;

  override async start(): Promise<void> {
    await super.start();
    this.secret = process.env.FFO_JWT_SECRET ?? 'mcp-test-secret-mcp-test-secret-0001';
    Object.assign(process.env, this.env());
    this.runtime = await openRuntime();
    const schema = await buildSchema(this.runtime.graph.driver);
    this.api = await startApiServer(schema, this.runtime, this.runtime.config, {
      port: 0,
      routes: apiRoutes(this.runtime, schema),
    });
  }

  /** The settings every MCP process of this test gets (the worker gets the same through startWorker). */
  env(): Record<string, string> {
    return {
      ...this.labEnv(),
      FFO_JWT_SECRET: this.secret,
      FFO_AUTH_DISABLED: '0',
    };
  }

  token(role: Role): Promise<string> {
    return issueToken(this.secret, `mcp-test-${role}`, [role]);
  }

  get mcpUrl(): URL {
    return new URL('/mcp', this.api.url);
  }

  async httpClient(role: Role): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(this.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${await this.token(role)}` } },
    });
    return this.connect(transport);
  }

  /** `bin/ffo.js mcp` as a child process speaking MCP on its stdin/stdout. */
  async stdioClient(role: Role): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/ffo.js', 'mcp'],
      env: { ...(process.env as Record<string, string>), ...this.env(), FFO_TOKEN: await this.token(role) },
      stderr: 'pipe',
    });
    return this.connect(transport);
  }

  private async connect(transport: StreamableHTTPClientTransport | StdioClientTransport): Promise<Client> {
    const client = new Client({ name: 'ffo-mcp-test', version: '1.0.0' });
    await client.connect(transport);
    this.clients.push(client);
    return client;
  }

  /** Calls a tool; with `follow` it asks for progress and collects the notifications. */
  async call(client: Client, name: string, args: Record<string, unknown>, follow = false): Promise<ToolCall> {
    const progress: ToolCall['progress'] = [];
    const result = (await client.callTool(
      { name, arguments: follow ? { ...args, follow: true } : args },
      undefined,
      follow
        ? {
            onprogress: (p) =>
              progress.push({ progress: p.progress, ...(p.message ? { message: p.message } : {}) }),
            timeout: 120_000,
            resetTimeoutOnProgress: true,
            maxTotalTimeout: 600_000,
          }
        : { timeout: 120_000 },
    )) as CallToolResult;
    for (const c of result.content) if (c.type === 'text') this.outputs.push(c.text);
    return { result, structured: (result.structuredContent ?? {}) as Record<string, unknown>, progress };
  }

  override async stop(): Promise<void> {
    for (const client of this.clients) await client.close().catch(() => undefined);
    await this.api?.close();
    await this.runtime?.close();
    await super.stop();
  }
}
