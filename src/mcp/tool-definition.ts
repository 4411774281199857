import type { z } from 'zod';
import type { Principal } from '../auth/jwt-auth.js';
import type { Role } from '../auth/roles.js';
import type { McpDependencies } from './mcp-dependencies.js';
import type { ProgressReporter } from './progress-reporter.js';

/** What a tool's run function gets besides its validated input. */
export interface ToolContext {
  principal: Principal;
  deps: McpDependencies;
  /** Set when the client sent a progressToken; tools that can follow long work report through it. */
  progress: ProgressReporter | null;
  /** Aborted when the client cancels the call or goes away. */
  signal: AbortSignal;
}

/**
 * One MCP tool: a zod input schema (validated before anything runs), the least role that may call it, and the
 * work. Mutating tools need `agent` at least; reads are for `analyst`.
 */
export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: S;
  role: Role;
  /** Changes something (in vSphere, OpenStack or the twin): annotated for clients, never below `agent`. */
  mutating: boolean;
  run(input: z.output<S>, context: ToolContext): Promise<unknown>;
}

/** Keeps each tool's input type attached to its run function while the catalogue holds them all alike. */
export function defineTool<S extends z.ZodObject>(tool: ToolDefinition<S>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}
