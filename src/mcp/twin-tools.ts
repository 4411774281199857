import { z } from 'zod';
import { requiredRole } from '../auth/operation-policy.js';
import type { MigrationRecord } from '../engine/migration-types.js';
import { estateSummary } from '../services/estate-summary.js';
import { followFleet } from './fleet-follower.js';
import { followInput } from './migration-inputs.js';
import { followMigration, stablePointOf } from './migration-follower.js';
import type { McpDependencies } from './mcp-dependencies.js';
import { cloudOf } from './openstack-session.js';
import { defineTool, type ToolDefinition } from './tool-definition.js';

// The twin's planning and the engine's control: the same service calls the GraphQL resolvers make.

const cloud = z.string().min(1).optional().describe('configured cloud name (default: the only one)');
const project = z
  .string()
  .min(1)
  .optional()
  .describe('target project name or id (default: the discovered one)');
const vms = z
  .array(z.string().min(1))
  .min(1)
  .max(10_000)
  .optional()
  .describe('VM ids or unique names (default: every live VM)');
const migration = z.string().min(1).describe('migration id');
const fleet = z.string().min(1).describe('fleet id');

/** What an agent needs to know about a migration; plan and checkpoints are summarised, never dumped whole. */
async function migrationView(deps: McpDependencies, record: MigrationRecord) {
  const { migrationEvents, migrationStore } = deps.runtime;
  const [progress, resources] = await Promise.all([
    migrationEvents.lastProgress(record.id),
    migrationStore.resources(record.id),
  ]);
  return {
    id: record.id,
    vm: { id: record.vmId, name: record.vmName },
    mode: record.mode,
    status: record.status,
    phase: record.phase,
    stablePoint: stablePointOf(record),
    cloud: record.plan.cloud,
    flavor: record.plan.flavor.name,
    pipeline: record.plan.pipeline,
    pipelineReason: record.plan.pipelineReason,
    cutover: record.plan.options.cutover,
    cutoverRequestedAt: record.cutoverRequestedAt,
    completedPhases: record.checkpoints.completedPhases,
    deltaRounds: record.checkpoints.deltaHistory,
    server: record.checkpoints.server,
    attempts: record.attempts,
    error: record.errorCode ? { code: record.errorCode, message: record.errorMessage } : null,
    warnings: record.plan.warnings,
    progress,
    resources,
  };
}

/** A migration control call (cutover, cancel, retry, rollback), optionally followed to a stable point. */
function migrationControl(
  name: string,
  field: 'cutover' | 'cancelMigration' | 'retryMigration' | 'rollbackMigration',
  title: string,
  description: string,
  act: (deps: McpDependencies, id: string) => Promise<unknown>,
): ToolDefinition {
  return defineTool({
    name,
    title,
    description: `${description} With follow: true and a progressToken the call stays open with notifications/progress until a stable point (waiting for cutover, completed, failed, rolled back).`,
    input: z.object({ migration, follow: followInput }),
    role: requiredRole('mutation', field),
    mutating: true,
    run: async (input, { deps, progress, signal }) => {
      const summary = await act(deps, input.migration);
      if (!input.follow || !progress) return { migration: summary, followed: false };
      const followed = await followMigration(deps.runtime, input.migration, progress, signal);
      return { migration: await migrationView(deps, followed.record), followed: true };
    },
  });
}

export function twinTools(): ToolDefinition[] {
  return [
    defineTool({
      name: 'twin_estate_summary',
      title: 'Estate summary',
      description:
        'Counts of the discovered estate: VMs by power state, guest OS and cluster, hosts, storage, dependencies.',
      input: z.object({ vcenter: z.string().min(1).optional().describe('vCenter id (default: all)') }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) => estateSummary(deps.runtime.graph, input.vcenter ?? null),
    }),
    defineTool({
      name: 'twin_dependency_closure',
      title: 'Dependency closure',
      description:
        'What a VM needs migrated first (upstream) or what needs it (downstream), breadth first, with truncation reported.',
      input: z.object({
        vm: z.string().min(1),
        direction: z.enum(['upstream', 'downstream']).default('upstream'),
        maxDepth: z.number().int().min(1).max(25).default(5),
      }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        deps.runtime.dependencies.closure(
          input.vm,
          input.direction === 'upstream' ? 'UPSTREAM' : 'DOWNSTREAM',
          input.maxDepth,
        ),
    }),
    defineTool({
      name: 'twin_migration_readiness',
      title: 'Migration readiness',
      description:
        'Per VM: ready or not, with concerns (blockers such as NETWORK_UNMAPPED, NO_FLAVOR_FITS, MAC_CLASH; warnings) and the matched flavor. summaryOnly gives the counts.',
      input: z.object({ cloud, project, vms, summaryOnly: z.boolean().default(false) }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps }) => {
        const target = cloudOf(deps, input.cloud);
        const planning = deps.runtime.planning;
        const summary = await planning.readinessSummary(input.vms ?? null, target, input.project ?? null);
        if (input.summaryOnly) return { cloud: target, summary };
        return {
          cloud: target,
          summary,
          vms: await planning.readinessOf(input.vms ?? null, target, input.project ?? null),
        };
      },
    }),
    defineTool({
      name: 'twin_network_mapping_gaps',
      title: 'Network mapping gaps',
      description: 'Port groups in use that map to no OpenStack network, with the VMs each one strands.',
      input: z.object({ cloud, vms }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps }) => {
        const planning = deps.runtime.planning;
        const ids = input.vms ? await planning.vmIds(input.vms) : null;
        return { gaps: await planning.networks.gaps(cloudOf(deps, input.cloud), ids) };
      },
    }),
    defineTool({
      name: 'twin_capacity_report',
      title: 'Capacity report',
      description:
        'Planned instances, cores, RAM, volumes, GB and ports against quota minus usage and hypervisor capacity; VMs that would not fit are listed.',
      input: z.object({ cloud, project, vms }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        deps.runtime.planning.capacityOf(
          input.vms ?? null,
          cloudOf(deps, input.cloud),
          input.project ?? null,
        ),
    }),
    defineTool({
      name: 'twin_plan_waves',
      title: 'Plan migration waves',
      description:
        'Plans waves over the dependency graph (cycles become move groups) under per-wave limits; stores a versioned draft plan and returns it.',
      input: z.object({
        name: z.string().min(1).max(200).optional(),
        vms,
        cluster: z.string().min(1).optional(),
        maxVmsPerWave: z.number().int().min(1).optional(),
        maxPerHost: z.number().int().min(1).optional(),
        maxPerDatastore: z.number().int().min(1).optional(),
        maxGbPerWave: z.number().positive().optional(),
        respectCapacity: z.boolean().optional(),
        cloud,
        project,
      }),
      role: requiredRole('mutation', 'planWaves'),
      mutating: true,
      run: (input, { deps }) => {
        const { name, vms: scopeVms, cluster, ...constraints } = input;
        return deps.runtime.wavePlanner.plan(
          name,
          { vms: scopeVms ?? null, cluster: cluster ?? null },
          constraints,
        );
      },
    }),
    defineTool({
      name: 'twin_get_wave_plan',
      title: 'Wave plan',
      description:
        'A stored wave plan: waves with their VMs, move groups, warnings and external dependencies.',
      input: z.object({ plan: z.string().min(1).describe('wave plan id') }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) => deps.runtime.wavePlanner.get(input.plan),
    }),
    defineTool({
      name: 'twin_start_fleet',
      title: 'Start a fleet',
      description:
        'Starts migrating a draft wave plan wave by wave (Layer 2 orchestrator in ffo worker) and returns the fleet id at once. ' +
        'With follow: true and a progressToken the call stays open with notifications/progress until the fleet is done or paused.',
      input: z.object({
        plan: z.string().min(1).describe('draft wave plan id'),
        cloud,
        concurrency: z.number().int().min(1).optional(),
        perHostLimit: z.number().int().min(1).optional(),
        perDatastoreLimit: z.number().int().min(1).optional(),
        failurePolicy: z.enum(['retry', 'skip', 'rollback', 'pause']).optional(),
        maxRetries: z.number().int().min(0).optional(),
        retryBackoffSeconds: z.number().min(0).optional(),
        respectCapacity: z.boolean().optional(),
        project,
        mode: z.enum(['cold', 'warm']).optional(),
        cutover: z.enum(['manual', 'auto', 'scheduled']).optional(),
        conversion: z.enum(['auto', 'none', 'minimal', 'full']).optional(),
        pipeline: z.enum(['auto', 'nbd', 'http']).optional(),
        verifyChecksums: z.boolean().optional(),
        follow: followInput,
      }),
      role: requiredRole('mutation', 'startFleet'),
      mutating: true,
      run: async (input, { deps, progress, signal }) => {
        const { plan, cloud: target, follow, ...options } = input;
        const started = await deps.runtime.fleets.start(plan, target, options);
        if (!follow || !progress) return { fleet: started, followed: false };
        const last = await followFleet(deps.runtime.fleets, started.id, progress, signal);
        return { fleet: started, followed: true, progress: last };
      },
    }),
    ...(['pause', 'resume', 'cancel'] as const).map((verb) =>
      defineTool({
        name: `twin_${verb}_fleet`,
        title: `${verb[0]!.toUpperCase()}${verb.slice(1)} a fleet`,
        description: {
          pause: 'Stops releasing new VMs; migrations in flight go on.',
          resume: 'Resumes a paused fleet; its failed VMs are tried again right away.',
          cancel: 'Stops releasing, cancels what is in flight (the engine removes what it made).',
        }[verb],
        input: z.object({ fleet }),
        role: requiredRole('mutation', `${verb}Fleet`),
        mutating: true,
        run: async (input, { deps }) => ({ fleet: await deps.runtime.fleets[verb](input.fleet) }),
      }),
    ),
    defineTool({
      name: 'twin_fleet_status',
      title: 'Fleet status',
      description:
        'Progress of one fleet (per wave, by state and phase, bytes, ETA, held and blocked VMs), or every fleet.',
      input: z.object({ fleet: fleet.optional() }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps }) =>
        input.fleet
          ? { progress: await deps.runtime.fleets.progress(input.fleet) }
          : { fleets: await deps.runtime.fleets.list() },
    }),
    defineTool({
      name: 'twin_migration_status',
      title: 'Migration status',
      description:
        'Status, phase, stable point (waiting_for_cutover / completed / failed ...), last progress (bytes, rate, ETA), delta rounds, target server and resources of one migration.',
      input: z.object({ migration }),
      role: 'analyst',
      mutating: false,
      run: async (input, { deps }) => migrationView(deps, await deps.runtime.migrations.get(input.migration)),
    }),
    migrationControl(
      'twin_cutover',
      'cutover',
      'Cut over a warm migration',
      'Ends the delta rounds of a warm migration: final delta with the source stopped, then launch on OpenStack.',
      (deps, id) => deps.runtime.migrations.cutover(id),
    ),
    migrationControl(
      'twin_cancel_migration',
      'cancelMigration',
      'Cancel a migration',
      'Stops a migration and removes what it made.',
      (deps, id) => deps.runtime.migrations.cancel(id),
    ),
    migrationControl(
      'twin_retry_migration',
      'retryMigration',
      'Retry a failed migration',
      'Runs a failed migration again from its checkpoints.',
      (deps, id) => deps.runtime.migrations.retry(id),
    ),
    migrationControl(
      'twin_rollback_migration',
      'rollbackMigration',
      'Roll back a migration',
      'Removes what a failed or completed migration made and powers the source back on.',
      (deps, id) => deps.runtime.migrations.rollback(id),
    ),
  ];
}
