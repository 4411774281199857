import { randomInt, randomUUID } from 'node:crypto';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient, Row } from '../graph/graph-client.js';
import type { MigrationPlanning } from '../services/migration-planning.js';
import { chooseCloud } from '../services/target-cloud.js';
import { stronglyConnectedComponents } from './dependency-layering.js';
import { packWaves, type Demand, type PackUnit, type WaveConstraints } from './wave-packer.js';
import { validateWaveConstraints, type WavePlanConstraints, type WaveScope } from './wave-plan-input.js';

export interface PlannedWave {
  id: string;
  index: number;
  vmCount: number;
  diskGb: number;
  layers: number[];
  moveGroups: string[];
  perHostMax: number;
  perDatastoreMax: number;
  warnings: string[];
  vms: string[];
}

export interface PlannedMoveGroup {
  id: string;
  name: string;
  size: number;
  members: string[];
}

export interface WavePlanSummary {
  id: string;
  name: string;
  version: number;
  status: string;
  vmCount: number;
  layerCount: number;
  waveCount: number;
  moveGroupCount: number;
  kahnRounds: number;
  warnings: string[];
  externalDependencies: { vm: string; dependsOn: string; migrated: boolean }[];
  waves: PlannedWave[];
  moveGroups: PlannedMoveGroup[];
  createdAt: string;
}

/** How long each planning step took (the benchmark prints them). */
export interface PlanTimings {
  markMs: number;
  kahnMs: number;
  cyclesMs: number;
  packMs: number;
  storeMs: number;
}

const GiB = 2 ** 30;

/** Where Kahn put a unit (a VM, or a move group for all its members). */
interface UnitLayer {
  layer: number;
  via: string | null;
}

/** What each Kahn statement answers per unit it layered: [node, VM or move group id, layer, via]. */
type LayeredRow = [string, string, unknown, string | null];

const layeredRows = (value: unknown): LayeredRow[] => (value as LayeredRow[] | null | undefined) ?? [];

/** Names compare by UTF-16 code units like Cypher's ORDER BY, so a built summary matches one read back. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ASSIGN_BATCH = 10_000;
const ASSIGN_WRITERS = 2;

/**
 * Wave planning over the twin: Kahn layering by topological Cypher (one statement per layer, each DEPENDS_ON edge
 * visited once), Tarjan only on the residue Kahn cannot layer (the cycles and what hangs off them), which become
 * move groups, then packing of layers into waves under the constraints. Plans are stored versioned, as what-ifs.
 */
export class WavePlanner {
  lastTimings: PlanTimings | null = null;

  constructor(
    private readonly graph: GraphClient,
    private readonly planning: MigrationPlanning,
    private readonly configuredClouds: () => string[],
  ) {}

  async plan(
    name: string | null | undefined,
    scope: WaveScope = {},
    input: WavePlanConstraints = {},
  ): Promise<WavePlanSummary> {
    const constraints = validateWaveConstraints(input);
    const planName = (name ?? 'default').trim() || 'default';
    // Resolve everything that can be refused before anything is written.
    const vmIds = scope.vms && scope.vms.length > 0 ? await this.planning.vmIds(scope.vms) : null;
    const cloud = constraints.respectCapacity
      ? chooseCloud(constraints.cloud, this.configuredClouds(), 'respectCapacity')
      : null;
    const projectScope = cloud ? await this.planning.scope(cloud, constraints.project ?? null) : null;

    const [{ version }] = (await this.graph.read('wave-plan-next-version', { name: planName })) as [
      { version: number },
    ];
    const planId = `wp-${randomUUID().slice(0, 8)}`;
    // A number, not a UUID string: it is written to and compared on every VM of the scope.
    const run = randomInt(2 ** 47);
    const timings: PlanTimings = { markMs: 0, kahnMs: 0, cyclesMs: 0, packMs: 0, storeMs: 0 };
    let t = performance.now();
    const lap = (key: keyof PlanTimings) => {
      const now = performance.now();
      timings[key] += now - t;
      t = now;
    };
    await this.graph.write('wave-plan-create', {
      planId,
      name: planName,
      version,
      scope: JSON.stringify(scope),
      constraints: JSON.stringify(constraints),
    });
    let cleared = false;
    try {
      const [marked] = vmIds
        ? await this.graph.write('wave-scope-mark-vms', { run, vmIds })
        : scope.cluster
          ? await this.graph.write('wave-scope-mark-cluster', { run, cluster: scope.cluster })
          : await this.graph.write('wave-scope-mark-estate', { run });
      const vmCount = Number(marked?.vms ?? 0);
      if (vmCount === 0) {
        throw new FfoError(ErrorCode.BAD_INPUT, 'the plan scope holds no live VM', { details: { scope } });
      }
      lap('markMs');

      // Host, datastore and size facts and the dependencies leaving the scope do not depend on the layering:
      // they are read on another connection while the Kahn rounds run.
      const facts = this.readFacts(run);
      facts.catch(() => undefined);

      // Each Kahn statement answers with the units it layered; kept here, the layering is never read back.
      const layering = new Map<string, UnitLayer>();
      const [first] = await this.graph.write('wave-counters-init', { run });
      let rounds = await this.kahnRounds('wave-layer-release', run, layeredRows(first?.layered), layering);
      lap('kahnMs');
      const condensed = await this.cyclesToMoveGroups(run, planId);
      lap('cyclesMs');
      if (condensed.groups > 0) {
        rounds += await this.kahnRounds('wave-group-release', run, condensed.layered, layering);
        lap('kahnMs');
      }
      const groups = condensed.groups;

      const { rows: factRows, external } = await facts;
      const rows = joinLayers(factRows, layering, condensed.moveGroups);
      const unlayered = rows.filter((r) => r.layer === null);
      if (unlayered.length > 0) {
        throw new FfoError(ErrorCode.INTERNAL, `wave planning left ${unlayered.length} VMs without a layer`);
      }
      const units = await this.units(rows, projectScope);
      const headroom = projectScope ? await this.planning.capacity.headroom(projectScope) : null;
      const waveConstraints: WaveConstraints = {
        maxVmsPerWave: constraints.maxVmsPerWave,
        maxPerHost: constraints.maxPerHost,
        maxPerDatastore: constraints.maxPerDatastore,
        maxGbPerWave: constraints.maxGbPerWave,
        capacity: headroom,
      };
      const packed = packWaves(units, waveConstraints);
      lap('packMs');

      const unitByKey = new Map(units.map((u) => [u.key, u]));
      const waves: PlannedWave[] = packed.map((w) => {
        const members = w.units.flatMap((key) => unitByKey.get(key)!.vms);
        return {
          id: `${planId}-w${w.index}`,
          index: w.index,
          vmCount: w.vmCount,
          diskGb: Math.round(w.diskGb * 100) / 100,
          layers: w.layers,
          moveGroups: w.units.map((key) => unitByKey.get(key)!.moveGroup).filter((g): g is string => !!g),
          perHostMax: w.perHostMax,
          perDatastoreMax: w.perDatastoreMax,
          warnings: w.warnings,
          vms: members.map((vm) => vm.name).sort(byName),
        };
      });
      await this.graph.write('wave-plan-waves-create', {
        planId,
        waves: waves.map(({ vms: _vms, ...wave }) => wave),
      });
      const rowByVm = new Map(rows.map((r) => [r.vmId as string, r]));
      const batches: { waveId: string; rows: Row[] }[] = [];
      for (const wave of packed) {
        const waveId = `${planId}-w${wave.index}`;
        let batch: Row[] = [];
        for (const key of wave.units) {
          for (const vm of unitByKey.get(key)!.vms) {
            const row = rowByVm.get(vm.id)!;
            batch.push({
              node: row.node,
              layer: Number(row.layer),
              via: (row.via as string | null) ?? null,
              moveGroup: (row.moveGroup as string | null) ?? null,
            });
            if (batch.length === ASSIGN_BATCH) {
              batches.push({ waveId, rows: batch });
              batch = [];
            }
          }
        }
        if (batch.length > 0) batches.push({ waveId, rows: batch });
      }
      // Each batch locks its own VMs and one wave, so a few run side by side without contending.
      await inParallel(batches, ASSIGN_WRITERS, (batch) =>
        this.graph.write('wave-plan-assign', { waveId: batch.waveId, rows: batch.rows }),
      );
      // The assignments took the VMs' working properties; this takes the move groups' and anything left.
      await this.graph.write('wave-scope-clear', { run });
      cleared = true;
      const warnings = [
        ...waves.flatMap((w) => w.warnings.map((text) => `wave ${w.index}: ${text}`)),
        ...external
          .filter((e) => !e.migrated)
          .map((e) => `${String(e.vm)} depends on ${String(e.dependsOn)}, which is outside the plan`),
      ];
      let layerCount = 0;
      for (const r of rows) layerCount = Math.max(layerCount, Number(r.layer) + 1);
      const stats = {
        vmCount,
        layerCount,
        waveCount: waves.length,
        moveGroupCount: groups,
        kahnRounds: rounds,
        warnings,
      };
      const [finished] = await this.graph.write('wave-plan-finish', { planId, stats });
      lap('storeMs');
      this.lastTimings = timings;
      // The summary is what was just stored (wave-plan-get reads the same back), built here rather than re-read.
      const nameOf = new Map(rows.map((r) => [r.vmId as string, r.name as string]));
      return {
        id: planId,
        name: planName,
        version: Number(version),
        status: 'draft',
        ...stats,
        createdAt: String(finished?.createdAt),
        waves,
        moveGroups: condensed.moveGroups
          .map((g) => ({
            id: g.id,
            name: g.name,
            size: g.members.length,
            members: g.members.map((id) => nameOf.get(id) ?? id).sort(byName),
          }))
          .sort((a, b) => byName(a.name, b.name)),
        externalDependencies: external.map((e) => ({
          vm: String(e.vm),
          dependsOn: String(e.dependsOn),
          migrated: Boolean(e.migrated),
        })),
      };
    } catch (error) {
      await this.graph.write('wave-plan-delete', { planId }).catch(() => undefined);
      throw error;
    } finally {
      if (!cleared) await this.graph.write('wave-scope-clear', { run }).catch(() => undefined);
    }
  }

  async get(planId: string): Promise<WavePlanSummary> {
    const [row] = await this.graph.read('wave-plan-get', { planId });
    if (!row) throw new FfoError(ErrorCode.NOT_FOUND, `no wave plan "${planId}"`);
    const plan = row.plan as Record<string, unknown>;
    return {
      id: String(plan.id),
      name: String(plan.name),
      version: Number(plan.version),
      status: String(plan.status),
      vmCount: Number(plan.vmCount ?? 0),
      layerCount: Number(plan.layerCount ?? 0),
      waveCount: Number(plan.waveCount ?? 0),
      moveGroupCount: Number(plan.moveGroupCount ?? 0),
      kahnRounds: Number(plan.kahnRounds ?? 0),
      warnings: (plan.warnings as string[] | undefined) ?? [],
      externalDependencies: [],
      createdAt: String(plan.createdAt),
      waves: (row.waves as Record<string, unknown>[]).map((w) => ({
        id: String(w.id),
        index: Number(w.index),
        vmCount: Number(w.vmCount),
        diskGb: Number(w.diskGb),
        layers: (w.layers as unknown[]).map(Number),
        moveGroups: (w.moveGroups as string[]) ?? [],
        perHostMax: Number(w.perHostMax ?? 0),
        perDatastoreMax: Number(w.perDatastoreMax ?? 0),
        warnings: (w.warnings as string[]) ?? [],
        vms: (w.vms as string[]) ?? [],
      })),
      moveGroups: (row.moveGroups as Record<string, unknown>[]).map((g) => ({
        id: String(g.id),
        name: String(g.name),
        size: Number(g.size),
        members: (g.members as string[]) ?? [],
      })),
    };
  }

  /** Why a VM is in its wave: its move group, then its longest dependency chain down to layer 0. */
  async explain(vmId: string, planId: string | null = null): Promise<string | null> {
    const first = await this.membership(vmId, planId);
    if (!first) return null;
    const parts: string[] = [];
    const head =
      `wave ${first.wave} of plan ${first.planName} v${first.planVersion} (dependency layer ${first.layer})` +
      (first.layerFirstWave !== null && first.wave > first.layerFirstWave
        ? `, spilled from wave ${first.layerFirstWave} by the wave limits`
        : '');
    parts.push(head);
    if (first.moveGroup) {
      parts.push(
        `moves with move group ${first.moveGroup} (a dependency cycle: ${first.groupMembers.join(', ')})`,
      );
    }
    const chain: string[] = [first.name];
    let step = first;
    const seen = new Set([vmId]);
    while (step.viaId && !seen.has(step.viaId) && chain.length < 200) {
      seen.add(step.viaId);
      chain.push(step.viaName ?? step.viaId);
      const next = await this.membership(step.viaId, first.planId);
      if (!next) break;
      step = next;
    }
    parts.push(
      chain.length === 1
        ? 'it depends on nothing else in the plan'
        : `longest dependency chain: ${chain.join(' → ')}`,
    );
    return parts.join('; ');
  }

  private async membership(vmId: string, planId: string | null) {
    const [row] = await this.graph.read('wave-membership', { vmId, planId });
    if (!row) return null;
    return {
      name: String(row.name),
      planId: String(row.planId),
      planName: String(row.planName),
      planVersion: Number(row.planVersion),
      wave: Number(row.wave),
      layer: Number(row.layer),
      viaId: (row.viaId as string | null) ?? null,
      viaName: (row.viaName as string | null) ?? null,
      moveGroup: (row.moveGroup as string | null) ?? null,
      groupMembers: (row.groupMembers as string[]) ?? [],
      layerFirstWave: row.layerFirstWave === null ? null : Number(row.layerFirstWave),
    };
  }

  /**
   * Kahn rounds from an already layered frontier until it is empty, one statement per round; every layered unit
   * goes into `layering`. Returns how many rounds ran.
   */
  private async kahnRounds(
    statement: 'wave-layer-release' | 'wave-group-release',
    run: number,
    frontier: LayeredRow[],
    layering: Map<string, UnitLayer>,
  ): Promise<number> {
    const keep = (layered: LayeredRow[]): string[] =>
      layered.map(([node, key, layer, via]) => {
        layering.set(key, { layer: Number(layer), via: via ?? null });
        return node;
      });
    let units = keep(frontier);
    let rounds = 0;
    while (units.length > 0) {
      const [next] = await this.graph.write(statement, { run, units });
      units = keep(layeredRows(next?.layered));
      rounds += 1;
    }
    return rounds;
  }

  private async readFacts(run: number): Promise<{ rows: Row[]; external: Row[] }> {
    const rows = await this.graph.read('wave-facts-read', { run });
    const external = await this.graph.read('wave-external-dependencies', { run });
    return { rows, external };
  }

  /** Tarjan on the residue only; every cycle (strongly connected component > 1 VM) becomes a move group. */
  private async cyclesToMoveGroups(
    run: number,
    planId: string,
  ): Promise<{
    groups: number;
    layered: LayeredRow[];
    moveGroups: { id: string; name: string; members: string[] }[];
  }> {
    const residue = await this.graph.write('wave-residual-edges', { run });
    if (residue.length === 0) return { groups: 0, layered: [], moveGroups: [] };
    const index = new Map<string, number>();
    const ids = residue.map((r) => r.vmId as string);
    ids.forEach((id, i) => index.set(id, i));
    const from: number[] = [];
    const to: number[] = [];
    residue.forEach((r, i) => {
      for (const dep of r.dependsOn as string[]) {
        const j = index.get(dep);
        if (j !== undefined && j !== i) {
          from.push(i);
          to.push(j);
        }
      }
    });
    const component = stronglyConnectedComponents(ids.length, Int32Array.from(from), Int32Array.from(to));
    const members = new Map<number, string[]>();
    component.forEach((c, i) => {
      const list = members.get(c) ?? [];
      list.push(ids[i]!);
      members.set(c, list);
    });
    const groups = [...members.values()]
      .filter((list) => list.length > 1)
      .map((list) => list.sort())
      .sort((a, b) => a[0]!.localeCompare(b[0]!))
      .map((list, i) => ({ id: `${planId}-g${i + 1}`, name: `mg-${i + 1}`, members: list }));
    if (groups.length === 0) {
      throw new FfoError(ErrorCode.INTERNAL, 'wave planning stalled without a dependency cycle', {
        details: { residue: ids.slice(0, 20) },
      });
    }
    const [made] = await this.graph.write('wave-move-groups-create', { run, planId, groups });
    return { groups: groups.length, layered: layeredRows(made?.layered), moveGroups: groups };
  }

  private async units(
    rows: Row[],
    projectScope: Awaited<ReturnType<MigrationPlanning['scope']>> | null,
  ): Promise<PackUnit[]> {
    const demands = projectScope
      ? await this.planning.capacity.demands(
          rows.map((r) => r.vmId as string),
          projectScope,
        )
      : null;
    const zero: Demand = { instances: 1, cores: 0, ramMB: 0, volumes: 0, gigabytes: 0, ports: 0 };
    const byKey = new Map<string, PackUnit>();
    for (const r of rows) {
      const key = (r.moveGroup as string | null) ?? (r.vmId as string);
      const unit = byKey.get(key) ?? {
        key,
        layer: Number(r.layer),
        moveGroup: (r.moveGroup as string | null) ?? null,
        vms: [],
      };
      unit.vms.push({
        id: r.vmId as string,
        name: r.name as string,
        host: (r.host as string | null) ?? null,
        datastores: (r.datastores as string[]) ?? [],
        diskGb: Number(r.provisionedBytes) / GiB,
        demand: demands?.get(r.vmId as string) ?? zero,
      });
      byKey.set(key, unit);
    }
    return [...byKey.values()];
  }
}

/**
 * The facts of each VM with its layer, move group and `via`, from what the Kahn rounds answered: a move group
 * was layered as one unit (its `via` is the smallest over its members' dependencies), so every member gets the
 * group's layer and `via`. A VM the rounds never layered gets layer null.
 */
function joinLayers(
  facts: Row[],
  layering: Map<string, UnitLayer>,
  moveGroups: { id: string; members: string[] }[],
): Row[] {
  const groupOf = new Map<string, string>();
  for (const g of moveGroups) for (const vm of g.members) groupOf.set(vm, g.id);
  return facts.map((f) => {
    const group = groupOf.get(f.vmId as string) ?? null;
    const unit = layering.get(group ?? (f.vmId as string));
    return { ...f, layer: unit?.layer ?? null, moveGroup: group, via: unit?.via ?? null };
  });
}

/** Runs `work` over the items with at most `limit` at a time; the first failure fails the whole (after the rest settle). */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
