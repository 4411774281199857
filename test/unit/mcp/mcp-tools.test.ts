import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { parse, validate } from 'graphql';
import { buildSchema } from '../../../src/api/schema-builder.js';
import type { Principal } from '../../../src/auth/jwt-auth.js';
import type { Role } from '../../../src/auth/roles.js';
import { ErrorCode } from '../../../src/errors/index.js';
import type { McpDependencies } from '../../../src/mcp/mcp-dependencies.js';
import { callTool, createMcpServer, describeTool } from '../../../src/mcp/mcp-server-factory.js';
import { mcpToolCatalog } from '../../../src/mcp/mcp-tool-catalog.js';
import { roleFor } from '../../../src/mcp/tool-access.js';
import { TWIN_DOCUMENTS } from '../../../src/mcp/twin-documents.js';

const principal = (role: Role): Principal => ({
  subject: `unit-${role}`,
  roles: [role],
  claims: { roles: [role] },
});

/** Dependencies that fail the test the moment anything touches them: refusals must come before any work. */
const untouchable = new Proxy({} as McpDependencies, {
  get: (_target, key) => {
    throw new Error(`dependency ${String(key)} touched`);
  },
});

const catalog = mcpToolCatalog();
const byName = new Map(catalog.map((t) => [t.name, t]));
const call = (name: string, args: unknown, role: Role = 'agent') =>
  callTool(byName.get(name), name, args, {
    principal: principal(role),
    deps: untouchable,
    progress: null,
    signal: new AbortController().signal,
  });
const codeOf = (result: Awaited<ReturnType<typeof call>>): string =>
  (result.structuredContent as { error: { code: string } }).error.code;

describe('MCP tool catalogue', () => {
  it('has unique snake_case names in the three tool sets, each with an object input schema', () => {
    const names = catalog.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^(vmware|openstack|twin)_[a-z_]+$/);
    for (const tool of catalog) expect(describeTool(tool).inputSchema.type).toBe('object');
    expect(names).toEqual(
      expect.arrayContaining([
        'vmware_list_vms',
        'vmware_get_vm',
        'vmware_list_hosts',
        'vmware_list_datastores',
        'vmware_list_networks',
        'vmware_list_snapshots',
        'vmware_power_vm',
        'vmware_migrate_vm',
        'openstack_list_flavors',
        'openstack_list_networks',
        'openstack_list_subnets',
        'openstack_list_ports',
        'openstack_create_port',
        'openstack_delete_port',
        'openstack_list_volumes',
        'openstack_create_volume',
        'openstack_delete_volume',
        'openstack_list_volume_types',
        'openstack_list_images',
        'openstack_list_servers',
        'openstack_delete_server',
        'openstack_quotas',
        'openstack_limits',
        'openstack_hypervisor_capacity',
        'twin_dependency_closure',
        'twin_migration_readiness',
        'twin_capacity_report',
        'twin_plan_waves',
        'twin_start_fleet',
        'twin_pause_fleet',
        'twin_migration_status',
        'twin_fleet_status',
        'twin_cutover',
      ]),
    );
  });

  it('gives every mutating tool at least the agent role and every read the analyst role', () => {
    for (const tool of catalog) {
      expect({ tool: tool.name, role: roleFor(tool) }).toEqual({
        tool: tool.name,
        role: tool.mutating ? expect.stringMatching(/^(agent|admin)$/) : 'analyst',
      });
    }
    expect(describeTool(byName.get('vmware_migrate_vm')!).description).toMatch(/role: agent/);
    expect(describeTool(byName.get('vmware_migrate_vm')!).annotations?.readOnlyHint).toBe(false);
    expect(describeTool(byName.get('vmware_list_vms')!).annotations?.readOnlyHint).toBe(true);
  });

  it('lists the migration options and follow in the input schema, with vm required', () => {
    const schema = describeTool(byName.get('vmware_migrate_vm')!).inputSchema as {
      properties: Record<string, { enum?: string[] }>;
      required: string[];
    };
    expect(schema.required).toEqual(['vm']);
    expect(schema.properties.mode!.enum).toEqual(['cold', 'warm']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['cloud', 'follow', 'cutover']));
  });

  it('reads the twin with documents the generated schema accepts', async () => {
    const schema = await buildSchema();
    for (const [name, document] of Object.entries(TWIN_DOCUMENTS)) {
      expect({ name, errors: validate(schema, parse(document)).map((e) => e.message) }).toEqual({
        name,
        errors: [],
      });
    }
  });
});

describe('MCP tool calls: refusals before any work', () => {
  it('refuses every mutating tool to an analyst with FORBIDDEN, touching nothing', async () => {
    for (const tool of catalog.filter((t) => t.mutating)) {
      const result = await call(tool.name, {}, 'analyst');
      expect({ tool: tool.name, isError: result.isError, code: codeOf(result) }).toEqual({
        tool: tool.name,
        isError: true,
        code: ErrorCode.FORBIDDEN,
      });
    }
  });

  it('answers bad input with BAD_INPUT listing every problem, touching nothing', async () => {
    const result = await call('vmware_migrate_vm', { mode: 'lukewarm', deltaIntervalSeconds: 0 });
    expect(result.isError).toBe(true);
    expect(codeOf(result)).toBe(ErrorCode.BAD_INPUT);
    const problems = (result.structuredContent as { error: { details: { problems: { path: string }[] } } })
      .error.details.problems;
    expect(problems.map((p) => p.path).sort()).toEqual(['deltaIntervalSeconds', 'mode', 'vm']);
    expect((result.content[0] as { text: string }).text).toMatch(
      /^BAD_INPUT: invalid arguments for vmware_migrate_vm/,
    );
    expect(codeOf(await call('openstack_list_ports', { macAddress: 'not-a-mac' }, 'analyst'))).toBe(
      ErrorCode.BAD_INPUT,
    );
    expect(codeOf(await call('twin_dependency_closure', { vm: 'x', maxDepth: 99 }, 'analyst'))).toBe(
      ErrorCode.BAD_INPUT,
    );
  });

  it('answers an unknown tool with NOT_FOUND as a tool error', async () => {
    const result = await call('vmware_teleport_vm', {});
    expect(result.isError).toBe(true);
    expect(codeOf(result)).toBe(ErrorCode.NOT_FOUND);
  });
});

describe('MCP server over the SDK', () => {
  it('lists the catalogue and returns a refusal as a tool error, not a protocol error', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(principal('analyst'), untouchable);
    await server.connect(serverSide);
    const client = new Client({ name: 'unit', version: '1' });
    await client.connect(clientSide);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(catalog.map((t) => t.name));
      const refused = await client.callTool({ name: 'twin_cutover', arguments: { migration: 'm1' } });
      expect(refused.isError).toBe(true);
      expect((refused.content as { text: string }[])[0]!.text).toMatch(
        /^FORBIDDEN: tool twin_cutover needs the role agent/,
      );
    } finally {
      await client.close();
      await server.close();
    }
  });
});
