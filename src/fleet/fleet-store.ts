import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient, Row } from '../graph/graph-client.js';
import type { FleetItem, FleetOptions, FleetRecord, ItemState } from './fleet-types.js';

/** Fleet state in the graph: the orchestrator keeps nothing else, so any process can carry a fleet on. */
export class FleetStore {
  constructor(private readonly graph: GraphClient) {}

  /** Creates the fleet and its items on a draft plan; false when the plan is not a draft any more. */
  async create(fleetId: string, planId: string, options: FleetOptions): Promise<number | null> {
    const [row] = await this.graph.write('fleet-create', {
      fleetId,
      planId,
      options: JSON.stringify(options),
    });
    return row ? Number(row.items) : null;
  }

  async planStatus(planId: string) {
    const [row] = await this.graph.read('fleet-plan-status', { planId });
    if (!row) return null;
    return {
      status: String(row.status),
      fleetId: (row.fleetId as string | null) ?? null,
      fleetStatus: (row.fleetStatus as string | null) ?? null,
    };
  }

  async get(fleetId: string): Promise<FleetRecord> {
    const [row] = await this.graph.read('fleet-get', { fleetId });
    if (!row) throw new FfoError(ErrorCode.NOT_FOUND, `no fleet "${fleetId}"`);
    return toFleet(row.fleet as Row);
  }

  async list(): Promise<FleetRecord[]> {
    return (await this.graph.read('fleet-list')).map((r) => toFleet(r.fleet as Row));
  }

  async items(fleetId: string): Promise<FleetItem[]> {
    const rows = await this.graph.read('fleet-items', { fleetId });
    return rows.map((r) => {
      const i = r.item as Row;
      return {
        id: String(i.id),
        fleetId: String(i.fleetId),
        vmId: String(i.vmId),
        vmName: String(i.vmName),
        wave: Number(i.wave),
        moveGroup: (i.moveGroup as string | null) ?? null,
        host: (i.host as string | null) ?? null,
        datastores: (i.datastores as string[] | null) ?? [],
        state: i.state as ItemState,
        reason: (i.reason as string | null) ?? null,
        attempts: Number(i.attempts ?? 0),
        migrationId: (i.migrationId as string | null) ?? null,
        releasedAt: (i.releasedAt as string | null) ?? null,
        finishedAt: (i.finishedAt as string | null) ?? null,
        nextAttemptAt: (i.nextAttemptAt as string | null) ?? null,
        bytesTotal: Number(i.bytesTotal ?? 0),
        migrationStatus: (r.migrationStatus as string | null) ?? null,
        migrationPhase: (r.migrationPhase as string | null) ?? null,
        errorCode: (r.errorCode as string | null) ?? null,
        errorMessage: (r.errorMessage as string | null) ?? null,
      };
    });
  }

  async updateItem(itemId: string, changes: Partial<Record<keyof FleetItem, unknown>>): Promise<void> {
    await this.graph.write('fleet-item-update', { itemId, changes });
  }

  async update(fleetId: string, changes: Record<string, unknown>): Promise<void> {
    await this.graph.write('fleet-update', { fleetId, changes });
  }

  /** Conditional status change; false when the fleet was not in one of `from`. */
  async transition(fleetId: string, from: string[], to: string, reason: string | null): Promise<boolean> {
    const rows = await this.graph.write('fleet-transition', { fleetId, from, to, reason });
    return rows.length > 0;
  }

  /** Blocks everything in the fleet that needs the VM; returns the blocked VM names. */
  async blockDependents(fleetId: string, vmId: string, reason: string): Promise<string[]> {
    const [row] = await this.graph.write('fleet-block-dependents', { fleetId, vmId, reason });
    return (row?.blocked as string[] | undefined) ?? [];
  }

  /** The VM's migration created since `since` (a start the orchestrator made but did not get to record). */
  async migrationSince(vmId: string, since: string): Promise<{ id: string; status: string } | null> {
    const [row] = await this.graph.read('fleet-item-migration-lookup', { vmId, since });
    return row ? { id: String(row.id), status: String(row.status) } : null;
  }

  async events(fleetId: string): Promise<Row[]> {
    return (await this.graph.read('fleet-events', { fleetId })).map((r) => r.event as Row);
  }
}

function toFleet(f: Row): FleetRecord {
  return {
    id: String(f.id),
    planId: String(f.planId),
    name: String(f.name),
    status: f.status as FleetRecord['status'],
    options: JSON.parse(String(f.options)) as FleetOptions,
    waveCount: Number(f.waveCount ?? 0),
    currentWave: f.currentWave === null || f.currentWave === undefined ? null : Number(f.currentWave),
    statusReason: (f.statusReason as string | null) ?? null,
    createdAt: String(f.createdAt),
    finishedAt: f.finishedAt ? String(f.finishedAt) : null,
    orchestrator: (f.orchestrator as string | null) ?? null,
  };
}
