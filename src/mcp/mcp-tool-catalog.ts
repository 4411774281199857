import { openstackTools } from './openstack-tools.js';
import type { ToolDefinition } from './tool-definition.js';
import { twinTools } from './twin-tools.js';
import { vmwareTools } from './vmware-tools.js';

/** Every tool the FFO MCP servers offer (stdio and HTTP alike), in listing order. */
export function mcpToolCatalog(): ToolDefinition[] {
  return [...vmwareTools(), ...openstackTools(), ...twinTools()];
}
