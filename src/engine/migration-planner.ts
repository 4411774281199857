import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { MigrationPlanning } from '../services/migration-planning.js';
import { ConcernCode } from '../services/readiness-service.js';
import type { PipelineDecision } from './pipeline-selector.js';
import { phasesFor, type MigrationOptions, type MigrationPlan, type PlannedDisk } from './migration-types.js';

const GiB = 1024 ** 3;

/** "<cloud>/<OpenStack id>" → the OpenStack id. */
export const openstackIdOf = (twinId: string, cloud: string): string =>
  twinId.startsWith(`${cloud}/`) ? twinId.slice(cloud.length + 1) : twinId;

/** "[ds] dir/file.vmdk" → { datastore: "ds", path: "dir/file.vmdk" }. */
export function splitDatastorePath(fileName: string): { datastore: string; path: string } {
  const m = /^\[([^\]]+)\]\s*(\S.*)$/.exec(fileName);
  if (!m) throw new FfoError(ErrorCode.BAD_INPUT, `"${fileName}" is not a datastore path`);
  return { datastore: m[1]!, path: m[2]! };
}

/**
 * Builds the frozen plan of one VM's migration from the twin: readiness (refusing blockers with their codes),
 * the matched flavor, mapped networks and volume types, and the source facts the engine needs. Nothing is
 * created anywhere.
 */
export async function planMigration(
  graph: GraphClient,
  planning: MigrationPlanning,
  vmRef: string,
  options: MigrationOptions,
  pipeline: PipelineDecision,
): Promise<MigrationPlan> {
  const [vmId] = await planning.vmIds([vmRef]);
  const scope = await planning.scope(options.cloud, options.project);
  if (options.flavorOverride) {
    await planning.flavors.setOverride(
      vmId!,
      options.cloud,
      options.flavorOverride,
      options.project,
      'migration',
    );
  }
  const [readiness] = await planning.readiness.assess([vmId!], scope);
  if (!readiness) throw new FfoError(ErrorCode.NOT_FOUND, `VM "${vmRef}" is not in the twin`);
  const concerns = [...readiness.concerns];
  if (options.mode === 'warm' && concerns.some((c) => c.code === ConcernCode.CBT_UNAVAILABLE)) {
    throw new FfoError(
      ErrorCode.WARM_MIGRATION_UNSUPPORTED,
      `${readiness.vmName} cannot have Changed Block Tracking: migrate it cold`,
      { details: { vm: vmId, concerns: concerns.filter((c) => c.code === ConcernCode.CBT_UNAVAILABLE) } },
    );
  }
  const blockers = concerns.filter((c) => c.severity === 'blocker');
  if (blockers.length > 0) {
    throw new FfoError(
      ErrorCode.MIGRATION_BLOCKED,
      `${readiness.vmName} is not ready: ${blockers.map((b) => `${b.code} (${b.message})`).join('; ')}`,
      { details: { vm: vmId, concerns: blockers.map((b) => ({ code: b.code, message: b.message })) } },
    );
  }
  const [facts] = await planning.readiness.facts([vmId!], scope);
  const [source] = await graph.read('migration-source-facts', { vmId });
  if (!facts || !source) throw new FfoError(ErrorCode.NOT_FOUND, `VM "${vmRef}" is not in the twin`);
  if (!source.vcenter) {
    throw new FfoError(ErrorCode.CONFIG_INVALID, `the vCenter of ${readiness.vmName} has no configured name`);
  }
  const flavor = readiness.flavor?.flavor;
  if (!flavor) throw new FfoError(ErrorCode.MIGRATION_BLOCKED, `no flavor fits ${readiness.vmName}`);
  const sourceDisks = new Map(
    (source.disks as { key: number; thinProvisioned: boolean | null }[]).map((d) => [Number(d.key), d]),
  );
  const disks: PlannedDisk[] = facts.disks.map((d, index) => {
    const { datastore, path } = splitDatastorePath(d.fileName);
    return {
      key: Number(d.key),
      fileName: d.fileName,
      datastoreName: d.datastore ?? datastore,
      path,
      capacityBytes: Number(d.capacityBytes),
      thinProvisioned: Boolean(sourceDisks.get(Number(d.key))?.thinProvisioned),
      controllerType: d.controllerType ?? null,
      volumeType: d.volumeType ?? facts.defaultVolumeType,
      sizeGB: Math.max(1, Math.ceil(Number(d.capacityBytes) / GiB)),
      boot: index === 0,
    };
  });
  if (disks.length === 0) throw new FfoError(ErrorCode.MIGRATION_BLOCKED, `${readiness.vmName} has no disks`);
  const nics = facts.nics.map((n) => {
    const raw = n as typeof n & { subnetId?: string | null };
    return {
      key: Number(n.key),
      macAddress: n.macAddress.toLowerCase(),
      portGroup: n.portGroup,
      networkId: openstackIdOf(n.networkId!, options.cloud),
      subnetId: raw.subnetId
        ? openstackIdOf(raw.subnetId, options.cloud)
        : n.subnets[0]
          ? openstackIdOf(n.subnets[0].id, options.cloud)
          : null,
      fixedIp: n.fixedIp,
    };
  });
  return {
    vm: {
      id: vmId!,
      moid: source.moid as string,
      name: readiness.vmName,
      vcenter: source.vcenter as string,
      datacenter: (source.datacenter as string | null) ?? '',
      powerState: source.powerState as string,
      guestId: (source.guestId as string | null) ?? null,
      firmware: (source.firmware as string | null) ?? null,
      changeTrackingEnabled: Boolean(source.changeTrackingEnabled),
    },
    cloud: options.cloud,
    project: { name: scope.name, openstackId: scope.openstackId },
    flavor: { id: openstackIdOf(flavor.id, options.cloud), name: flavor.name },
    disks,
    nics,
    pipeline: pipeline.pipeline,
    pipelineReason: pipeline.reason,
    phases: phasesFor(options.mode, pipeline.pipeline),
    options,
    warnings: concerns
      .filter((c) => c.severity === 'warning')
      .map((c) => ({ code: c.code, message: c.message })),
  };
}
