import type { GraphClient } from '../graph/graph-client.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import {
  emptyCheckpoints,
  type MigrationCheckpoints,
  type MigrationPlan,
  type MigrationRecord,
  type MigrationResource,
  type MigrationStatus,
  type ResourceKind,
} from './migration-types.js';

/** Resource ids are deterministic, so a phase can address its own resource without listing them. */
export const resourceId = (migrationId: string, kind: ResourceKind, key: string): string =>
  `${migrationId}/${kind}/${key}`;

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** The engine's persistence: Migration nodes, their checkpoints and the resources they made, in the twin. */
export class MigrationStore {
  /** Checkpoint writes of one migration are serialised (disks copy in parallel, the JSON is one property). */
  private readonly writes = new Map<string, Promise<unknown>>();

  constructor(private readonly graph: GraphClient) {}

  async create(input: { id: string; vmId: string; plan: MigrationPlan }): Promise<boolean> {
    const { plan } = input;
    const rows = await this.graph.write('migration-create', {
      id: input.id,
      vmId: input.vmId,
      mode: plan.options.mode,
      cloud: plan.cloud,
      project: plan.project.name,
      pipeline: plan.pipeline,
      pipelineReason: plan.pipelineReason,
      cutoverMode: plan.options.cutover,
      cutoverAt: plan.options.cutoverAt,
      deltaIntervalSeconds: plan.options.deltaIntervalSeconds,
      flavorId: plan.flavor.id,
      flavorName: plan.flavor.name,
      plan: JSON.stringify(plan),
      bytesTotal: plan.disks.reduce((sum, d) => sum + d.capacityBytes, 0),
    });
    return rows.length === 1;
  }

  async activeFor(vmId: string): Promise<{ id: string; status: string; phase: string } | null> {
    const [row] = await this.graph.read('migration-active-for-vm', { vmId });
    return row ? { id: row.id as string, status: row.status as string, phase: row.phase as string } : null;
  }

  async get(id: string): Promise<MigrationRecord> {
    const [row] = await this.graph.read('migration-get', { id });
    if (!row) throw new FfoError(ErrorCode.NOT_FOUND, `no migration "${id}"`, { details: { migration: id } });
    const m = row.migration as Record<string, unknown>;
    return {
      id: m.id as string,
      vmId: str(row.vmId),
      vmName: (m.vmName as string) ?? '',
      mode: m.mode as MigrationRecord['mode'],
      status: m.status as MigrationStatus,
      phase: m.phase as string,
      plan: JSON.parse(m.plan as string) as MigrationPlan,
      checkpoints: {
        ...emptyCheckpoints(),
        ...(JSON.parse((m.checkpoints as string) || '{}') as Partial<MigrationCheckpoints>),
      },
      cutoverRequestedAt: str(m.cutoverRequestedAt),
      cancelRequestedAt: str(m.cancelRequestedAt),
      cutoverAt: str(m.cutoverAt),
      attempts: Number(m.attempts ?? 0),
      errorCode: str(m.errorCode),
      errorMessage: str(m.errorMessage),
    };
  }

  /** Sets properties; with fromStatuses, only from one of them (returns false when the guard refused). */
  async update(
    id: string,
    props: Record<string, unknown>,
    fromStatuses: MigrationStatus[] = [],
  ): Promise<boolean> {
    const rows = await this.graph.write('migration-update', { id, props, fromStatuses });
    return rows.length === 1;
  }

  async stamp(
    id: string,
    names: ('startedAt' | 'finishedAt' | 'cutoverRequestedAt' | 'cancelRequestedAt')[],
    force = false,
  ): Promise<void> {
    await this.graph.write('migration-set-times', { id, names, force });
  }

  /** Persists the checkpoints (and the bytes counter shown to clients), one write at a time per migration. */
  saveCheckpoints(id: string, checkpoints: MigrationCheckpoints): Promise<void> {
    const snapshot = JSON.stringify(checkpoints);
    const bytes = Object.values(checkpoints.disks).reduce((sum, d) => sum + d.bytesCopied, 0);
    const deltaRounds = checkpoints.deltaHistory.length;
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() =>
        this.graph.write('migration-update', {
          id,
          props: { checkpoints: snapshot, bytesTransferred: bytes, deltaRounds },
          fromStatuses: [],
        }),
      )
      .then(() => undefined);
    this.writes.set(id, next);
    return next;
  }

  async intent(
    migrationId: string,
    kind: ResourceKind,
    key: string,
    name: string,
    system: 'openstack' | 'vsphere',
  ): Promise<MigrationResource> {
    const [row] = await this.graph.write('migration-resource-intent', {
      migrationId,
      id: resourceId(migrationId, kind, key),
      kind,
      key,
      name,
      system,
    });
    return toResource(row!.resource as Record<string, unknown>);
  }

  async resourceState(
    resourceId: string,
    state: MigrationResource['state'],
    externalId: string | null = null,
    data: Record<string, unknown> | null = null,
  ): Promise<void> {
    await this.graph.write('migration-resource-set', {
      id: resourceId,
      state,
      externalId,
      data: data === null ? null : JSON.stringify(data),
    });
  }

  async resources(migrationId: string): Promise<MigrationResource[]> {
    const rows = await this.graph.read('migration-resources', { migrationId });
    return rows.map((r) => toResource(r.resource as Record<string, unknown>));
  }

  async events(migrationId: string): Promise<Record<string, unknown>[]> {
    const rows = await this.graph.read('migration-events', { migrationId });
    return rows.map((r) => r.event as Record<string, unknown>);
  }
}

function toResource(r: Record<string, unknown>): MigrationResource {
  return {
    id: r.id as string,
    kind: r.kind as ResourceKind,
    key: r.key as string,
    name: r.name as string,
    system: r.system as 'openstack' | 'vsphere',
    state: r.state as MigrationResource['state'],
    externalId: str(r.externalId),
  };
}
