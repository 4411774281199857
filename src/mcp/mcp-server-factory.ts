import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../auth/jwt-auth.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { McpDependencies } from './mcp-dependencies.js';
import { mcpToolCatalog } from './mcp-tool-catalog.js';
import { ProgressReporter } from './progress-reporter.js';
import { assertToolAllowed, roleFor } from './tool-access.js';
import type { ToolContext, ToolDefinition } from './tool-definition.js';
import { inputJsonSchema, parseToolInput } from './tool-input.js';
import { toolError, toolSuccess } from './tool-result.js';

export const MCP_SERVER_NAME = 'ffo-twin';
const VERSION = '0.1.0';

/** tools/list entry: JSON Schema of the input, the role in the description, hints for clients. */
export function describeTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: `${tool.description} (role: ${roleFor(tool)})`,
    inputSchema: inputJsonSchema(tool),
    annotations: {
      title: tool.title,
      readOnlyHint: !tool.mutating,
      destructiveHint: tool.mutating,
      openWorldHint: true,
    },
  };
}

/**
 * Runs one call: role first (FORBIDDEN), then the input (BAD_INPUT), then the tool; every failure becomes a tool
 * error carrying its FfoError code instead of a protocol error, so agents can read and act on it.
 */
export async function callTool(
  tool: ToolDefinition | undefined,
  name: string,
  args: unknown,
  context: ToolContext,
): Promise<CallToolResult> {
  try {
    if (!tool)
      throw new FfoError(ErrorCode.NOT_FOUND, `no tool named "${name}"`, { details: { tool: name } });
    assertToolAllowed(tool, context.principal);
    const input = parseToolInput(tool, args);
    return toolSuccess(await tool.run(input, context));
  } catch (error) {
    return toolError(error);
  }
}

/**
 * An MCP server for one caller (the stdio process's token, or one HTTP request's): tools/list and tools/call
 * over the FFO tool catalogue. The SDK's own argument validation is bypassed on purpose: it would answer a
 * protocol error without our BAD_INPUT code.
 */
export function createMcpServer(principal: Principal, deps: McpDependencies): McpServer {
  const tools = mcpToolCatalog();
  const byName = new Map(tools.map((t) => [t.name, t]));
  const mcp = new McpServer(
    { name: MCP_SERVER_NAME, version: VERSION },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'FFO Twin: VMware → OpenStack migration. Read the twin (readiness, capacity, dependencies), then ' +
        'vmware_migrate_vm / twin_start_fleet; pass follow: true with a progress token to watch progress.',
    },
  );
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(describeTool) }));
  mcp.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const token = request.params._meta?.progressToken;
    const progress =
      token !== undefined ? new ProgressReporter(token, (n) => extra.sendNotification(n)) : null;
    return callTool(byName.get(request.params.name), request.params.name, request.params.arguments, {
      principal,
      deps,
      progress,
      signal: extra.signal,
    });
  });
  return mcp;
}
