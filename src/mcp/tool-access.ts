import type { Principal } from '../auth/jwt-auth.js';
import { satisfies, type Role } from '../auth/roles.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { ToolDefinition } from './tool-definition.js';

/** The least role a tool needs: its own, and never below `agent` for one that changes something. */
export function roleFor(tool: Pick<ToolDefinition, 'role' | 'mutating'>): Role {
  if (tool.mutating && tool.role === 'analyst') return 'agent';
  return tool.role;
}

/** FORBIDDEN before the input is even looked at, as GraphQL refuses a mutation before executing it. */
export function assertToolAllowed(tool: ToolDefinition, principal: Principal): void {
  const role = roleFor(tool);
  if (!satisfies(principal.roles, role)) {
    throw new FfoError(ErrorCode.FORBIDDEN, `tool ${tool.name} needs the role ${role}`, {
      details: { tool: tool.name, requiredRole: role },
    });
  }
}
