import { z } from 'zod';
import { requiredRole } from '../auth/operation-policy.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import { chooseCloud } from '../services/target-cloud.js';
import { followInput, migrationOptionsShape } from './migration-inputs.js';
import { followMigration } from './migration-follower.js';
import type { McpDependencies } from './mcp-dependencies.js';
import type { Principal } from '../auth/jwt-auth.js';
import { defineTool, type ToolDefinition } from './tool-definition.js';
import {
  DATASTORE_LIST,
  HOST_LIST,
  PORT_GROUP_LIST,
  VCENTER_BY_NAME,
  VM_DETAILS,
  VM_LIST,
} from './twin-documents.js';
import { queryTwin } from './twin-graphql.js';
import { liveVmRef, withVmOperations } from './vsphere-session.js';

// The source side. Inventory comes from the twin (what discovery saw, with mappings and dependencies); what the
// twin does not keep (snapshots) or must be current (power) comes from vCenter itself.

const vm = z.string().min(1).describe('VM id ("<vCenter uuid>/<moid>") or unique VM name');
const vcenter = z.string().min(1).optional().describe('configured vCenter name (default: all)');

/** Live objects of one vCenter (by its configured name) or of all. */
async function liveWhere(
  deps: McpDependencies,
  principal: Principal,
  name: string | undefined,
): Promise<Record<string, unknown>> {
  const where: Record<string, unknown> = { removedAt: { eq: null } };
  if (!name) return where;
  const { vCenters } = await queryTwin<{ vCenters: { id: string }[] }>(deps, principal, VCENTER_BY_NAME, {
    name,
  });
  if (!vCenters[0]) {
    throw new FfoError(ErrorCode.NOT_FOUND, `no discovered vCenter named "${name}"`, {
      details: { vcenter: name },
    });
  }
  return { ...where, vcenterId: { eq: vCenters[0].id } };
}

export function vmwareTools(): ToolDefinition[] {
  return [
    defineTool({
      name: 'vmware_list_vms',
      title: 'VMware VM inventory',
      description:
        'VMs in the twin (as last discovered): power state, size, guest OS, host and cluster; filter by name or power state.',
      input: z.object({
        vcenter,
        nameContains: z.string().min(1).optional(),
        powerState: z.enum(['poweredOn', 'poweredOff', 'suspended']).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        offset: z.number().int().min(0).default(0),
      }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps, principal }) => {
        const where = await liveWhere(deps, principal, input.vcenter);
        if (input.nameContains) where.name = { contains: input.nameContains };
        if (input.powerState) where.powerState = { eq: input.powerState };
        const { vms } = await queryTwin<{ vms: unknown[] }>(deps, principal, VM_LIST, {
          where,
          limit: input.limit,
          offset: input.offset,
        });
        return { count: vms.length, offset: input.offset, vms };
      },
    }),
    defineTool({
      name: 'vmware_get_vm',
      title: 'VMware VM details',
      description:
        'One VM from the twin: hardware, disks with datastores and their volume-type mappings, NICs with port groups and network mappings, dependencies, recent migrations.',
      input: z.object({ vm }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps, principal }) => {
        const [id] = await deps.runtime.planning.vmIds([input.vm]);
        const { vms } = await queryTwin<{ vms: unknown[] }>(deps, principal, VM_DETAILS, { id });
        return { vm: vms[0] ?? null };
      },
    }),
    defineTool({
      name: 'vmware_list_hosts',
      title: 'VMware hosts',
      description: 'ESXi hosts in the twin: cores, memory, connection and power state, cluster.',
      input: z.object({ vcenter }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps, principal }) =>
        queryTwin(deps, principal, HOST_LIST, { where: await liveWhere(deps, principal, input.vcenter) }),
    }),
    defineTool({
      name: 'vmware_list_datastores',
      title: 'VMware datastores',
      description: 'Datastores in the twin: type, capacity, free space and the volume type each one maps to.',
      input: z.object({ vcenter }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps, principal }) =>
        queryTwin(deps, principal, DATASTORE_LIST, {
          where: await liveWhere(deps, principal, input.vcenter),
        }),
    }),
    defineTool({
      name: 'vmware_list_networks',
      title: 'VMware networks (port groups)',
      description:
        'Standard and distributed port groups in the twin with VLAN and the OpenStack network each one maps to (none = unmapped).',
      input: z.object({ vcenter }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps, principal }) =>
        queryTwin(deps, principal, PORT_GROUP_LIST, {
          where: await liveWhere(deps, principal, input.vcenter),
        }),
    }),
    defineTool({
      name: 'vmware_list_snapshots',
      title: 'VMware VM snapshots',
      description:
        'Snapshots of a VM, live from vCenter (depth first), with its current power state and Changed Block Tracking.',
      input: z.object({ vm }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps, principal }) => {
        const ref = await liveVmRef(deps, principal, input.vm);
        const state = await withVmOperations(deps, ref.vcenter, (ops) => ops.getVmState(ref.moid));
        return {
          vm: { id: ref.id, name: ref.name },
          powerState: state.powerState,
          changeTrackingEnabled: state.changeTrackingEnabled,
          snapshots: state.snapshots,
        };
      },
    }),
    defineTool({
      name: 'vmware_power_vm',
      title: 'Power a VMware VM on or off',
      description:
        'Powers a VM on, or off (hard), in vCenter and returns the new state. Refused while a migration owns the VM.',
      input: z.object({ vm, state: z.enum(['on', 'off']) }),
      role: 'agent',
      mutating: true,
      run: async (input, { deps, principal }) => {
        const ref = await liveVmRef(deps, principal, input.vm);
        const active = await deps.runtime.migrationStore.activeFor(ref.id);
        if (active) {
          throw new FfoError(
            ErrorCode.MIGRATION_IN_PROGRESS,
            `${ref.name} has migration ${active.id} (${active.status}, ${active.phase}): the engine owns its power`,
            { details: { vm: ref.id, migration: active.id } },
          );
        }
        const powerState = await withVmOperations(deps, ref.vcenter, async (ops) => {
          if (input.state === 'on') await ops.powerOn(ref.moid);
          else await ops.powerOff(ref.moid);
          return (await ops.getVmState(ref.moid)).powerState;
        });
        return { vm: { id: ref.id, name: ref.name }, powerState };
      },
    }),
    defineTool({
      name: 'vmware_migrate_vm',
      title: 'Migrate a VMware VM to OpenStack',
      description:
        'Starts the Layer 1 engine for one VM (same validation as GraphQL startMigration: blockers refuse with ' +
        'MIGRATION_BLOCKED, bad options with BAD_INPUT, before anything is created) and returns the migration id at ' +
        'once. With follow: true and a progressToken the call stays open and sends notifications/progress (phase, ' +
        'bytes, rate, ETA, events) until a stable point: waiting for cutover (warm, manual), completed or failed.',
      input: z.object({
        vm,
        cloud: z.string().min(1).optional().describe('configured cloud (default: the only one)'),
        ...migrationOptionsShape,
        follow: followInput,
      }),
      role: requiredRole('mutation', 'startMigration'),
      mutating: true,
      run: async (input, { deps, progress, signal }) => {
        const { vm: ref, cloud, follow, ...options } = input;
        const migrations = deps.runtime.migrations;
        const target = chooseCloud(cloud, migrations.configuredClouds(), 'a migration');
        const started = await migrations.start(ref, target, options);
        if (!follow || !progress) return { migration: started, followed: false };
        const followed = await followMigration(deps.runtime, started.id, progress, signal);
        return {
          migration: { ...started, status: followed.record.status, phase: followed.record.phase },
          followed: true,
          stablePoint: followed.stablePoint,
          error: followed.record.errorCode
            ? { code: followed.record.errorCode, message: followed.record.errorMessage }
            : null,
        };
      },
    }),
  ];
}
