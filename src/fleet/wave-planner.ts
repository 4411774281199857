import { randomUUID } from 'node:crypto';
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
const ASSIGN_BATCH = 10_000;

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
    const run = randomUUID();
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
    try {
      const [marked] = vmIds
        ? await this.graph.write('wave-scope-mark-vms', { run, vmIds })
        : await this.graph.write('wave-scope-mark-estate', { run, cluster: scope.cluster ?? null });
      const vmCount = Number(marked?.vms ?? 0);
      if (vmCount === 0) {
        throw new FfoError(ErrorCode.BAD_INPUT, 'the plan scope holds no live VM', { details: { scope } });
      }
      lap('markMs');

      let rounds = await this.kahnPass(run);
      lap('kahnMs');
      const groups = await this.cyclesToMoveGroups(run, planId);
      lap('cyclesMs');
      if (groups > 0) {
        rounds += await this.kahnPass(run);
        lap('kahnMs');
      }

      await this.graph.write('wave-via', { run });
      lap('kahnMs');
      const rows = await this.graph.read('wave-layers-read', { run, planId });
      const unlayered = rows.filter((r) => r.layer === null || r.layer === undefined);
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
          vms: members.map((vm) => vm.name).sort(),
        };
      });
      await this.graph.write('wave-plan-waves-create', {
        planId,
        waves: waves.map(({ vms: _vms, ...wave }) => wave),
      });
      const rowByVm = new Map(rows.map((r) => [r.vmId as string, r]));
      const assignments: Row[] = [];
      for (const wave of packed) {
        for (const key of wave.units) {
          for (const vm of unitByKey.get(key)!.vms) {
            const row = rowByVm.get(vm.id)!;
            assignments.push({
              vmId: vm.id,
              waveId: `${planId}-w${wave.index}`,
              layer: Number(row.layer),
              via: (row.via as string | null) ?? null,
              moveGroup: (row.moveGroup as string | null) ?? null,
            });
          }
        }
      }
      for (let i = 0; i < assignments.length; i += ASSIGN_BATCH) {
        await this.graph.write('wave-plan-assign', { planId, rows: assignments.slice(i, i + ASSIGN_BATCH) });
      }
      const external = await this.graph.read('wave-external-dependencies', { run });
      const warnings = [
        ...waves.flatMap((w) => w.warnings.map((text) => `wave ${w.index}: ${text}`)),
        ...external
          .filter((e) => !e.migrated)
          .map((e) => `${String(e.vm)} depends on ${String(e.dependsOn)}, which is outside the plan`),
      ];
      const layerCount = Math.max(...rows.map((r) => Number(r.layer))) + 1;
      await this.graph.write('wave-plan-finish', {
        planId,
        stats: {
          vmCount,
          layerCount,
          waveCount: waves.length,
          moveGroupCount: groups,
          kahnRounds: rounds,
          warnings,
        },
      });
      lap('storeMs');
      this.lastTimings = timings;
      const summary = await this.get(planId);
      return {
        ...summary,
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
      await this.graph.write('wave-scope-clear', { run }).catch(() => undefined);
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

  /** Kahn rounds until the frontier is empty; returns how many rounds (layers) ran. */
  private async kahnPass(run: string): Promise<number> {
    await this.graph.write('wave-pending-count', { run });
    const [first] = await this.graph.read('wave-frontier', { run });
    let frontier = (first?.units as string[]) ?? [];
    let rounds = 0;
    while (frontier.length > 0) {
      const [next] = await this.graph.write('wave-layer-release', { run, units: frontier });
      frontier = (next?.units as string[]) ?? [];
      rounds += 1;
    }
    return rounds;
  }

  /** Tarjan on the residue only; every cycle (strongly connected component > 1 VM) becomes a move group. */
  private async cyclesToMoveGroups(run: string, planId: string): Promise<number> {
    const residue = await this.graph.read('wave-residual-edges', { run });
    if (residue.length === 0) return 0;
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
    await this.graph.write('wave-move-groups-create', { run, planId, groups });
    return groups.length;
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
