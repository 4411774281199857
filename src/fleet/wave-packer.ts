/**
 * Packs dependency layers into migration waves. Pure and deterministic: the same units and constraints give the
 * same waves, so a plan can be recomputed and compared.
 */

import type { WaveDemand } from '../services/capacity-planner.js';

/** What a VM needs in the target: instances, cores, RAM MB, volumes, volume GB, ports. */
export type Demand = WaveDemand;

export interface PackVm {
  id: string;
  name: string;
  host: string | null;
  datastores: string[];
  diskGb: number;
  demand: Demand;
}

/** A unit moves whole: a single VM, or a move group (a dependency cycle). */
export interface PackUnit {
  key: string;
  layer: number;
  moveGroup: string | null;
  vms: PackVm[];
}

export interface WaveConstraints {
  maxVmsPerWave?: number | null;
  maxPerHost?: number | null;
  maxPerDatastore?: number | null;
  maxGbPerWave?: number | null;
  /** respectCapacity: what the target can take per wave (null field = unlimited) */
  capacity?: Partial<Record<keyof Demand, number | null>> | null;
}

export interface PackedWave {
  index: number;
  units: string[];
  vmCount: number;
  diskGb: number;
  layers: number[];
  demand: Demand;
  perHostMax: number;
  perDatastoreMax: number;
  /** why this wave is over a limit: a unit that alone exceeds it (e.g. a move group bigger than maxVmsPerWave) */
  warnings: string[];
}

const DEMAND_KEYS = [
  'instances',
  'cores',
  'ramMB',
  'volumes',
  'gigabytes',
  'ports',
] as const satisfies ReadonlyArray<keyof Demand>;

/** Disk sizes and capacities are fractional; a sum that lands on the limit must still fit. */
const EPSILON = 1e-9;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const zeroDemand = (): Demand => ({ instances: 0, cores: 0, ramMB: 0, volumes: 0, gigabytes: 0, ports: 0 });

/** null, undefined, zero and negative all mean "no limit". */
const limitOf = (value: number | null | undefined): number =>
  value !== null && value !== undefined && value > 0 ? value : Infinity;

interface Limits {
  vms: number;
  perHost: number;
  perDatastore: number;
  gb: number;
  capacity: Demand;
}

/** What a unit adds to a wave, computed once. */
interface UnitLoad {
  unit: PackUnit;
  vmCount: number;
  diskGb: number;
  hosts: Map<string, number>;
  datastores: Map<string, number>;
  demand: Demand;
}

interface OpenWave {
  index: number;
  layer: number;
  units: string[];
  vmCount: number;
  diskGb: number;
  hosts: Map<string, number>;
  datastores: Map<string, number>;
  demand: Demand;
  warnings: string[];
}

export function packWaves(units: PackUnit[], constraints: WaveConstraints): PackedWave[] {
  const limits = limitsOf(constraints);
  const byLayer = new Map<number, UnitLoad[]>();
  for (const unit of units) {
    const load = loadOf(unit);
    const list = byLayer.get(unit.layer);
    if (list) list.push(load);
    else byLayer.set(unit.layer, [load]);
  }

  const waves: OpenWave[] = [];
  for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
    const loads = byLayer.get(layer) ?? [];
    loads.sort((a, b) => b.vmCount - a.vmCount || b.diskGb - a.diskGb || byName(a.unit.key, b.unit.key));
    // Waves of this layer that can still take a unit; a new layer never reuses them, so dependencies stay earlier.
    const candidates: OpenWave[] = [];
    for (const load of loads) {
      const reasons = exceededAlone(load, limits);
      if (reasons.length > 0) {
        const wave = openWave(waves, layer);
        addTo(wave, load);
        const what =
          load.unit.moveGroup === null ? `unit ${load.unit.key}` : `move group ${load.unit.moveGroup}`;
        for (const reason of reasons) {
          wave.warnings.push(`${what} alone exceeds ${reason}: it moves whole in a wave of its own`);
        }
        continue;
      }
      let target = candidates.find((wave) => fits(wave, load, limits));
      if (!target) {
        target = openWave(waves, layer);
        candidates.push(target);
      }
      addTo(target, load);
      // A wave at the VM limit cannot take any further unit with a VM; drop it so big layers stay linear-ish.
      if (target.vmCount >= limits.vms) candidates.splice(candidates.indexOf(target), 1);
    }
  }
  return waves.map(toPacked);
}

/**
 * Dependencies the plan breaks: for each edge [from, to] (from depends on to), `to` must be in a strictly earlier
 * wave, unless both are in the same move group, which must then share one wave. Edges with an end outside the plan
 * are external and ignored.
 */
export function checkPlanOrder(
  waveOfVm: Map<string, number>,
  edges: ReadonlyArray<readonly [string, string]>,
  groupOf: Map<string, number>,
): string[] {
  const violations = new Set<string>();
  for (const [from, to] of edges) {
    if (from === to) continue;
    const fromWave = waveOfVm.get(from);
    const toWave = waveOfVm.get(to);
    if (fromWave === undefined || toWave === undefined) continue;
    const fromGroup = groupOf.get(from);
    if (fromGroup !== undefined && fromGroup === groupOf.get(to)) {
      if (fromWave !== toWave) {
        violations.add(
          `${from} (wave ${fromWave}) and ${to} (wave ${toWave}) are in move group ${fromGroup} but in different waves`,
        );
      }
      continue;
    }
    if (toWave >= fromWave) {
      violations.add(
        `${from} (wave ${fromWave}) depends on ${to} (wave ${toWave}), which is not in an earlier wave`,
      );
    }
  }
  return [...violations];
}

function limitsOf(constraints: WaveConstraints): Limits {
  const capacity = zeroDemand();
  for (const key of DEMAND_KEYS) capacity[key] = limitOf(constraints.capacity?.[key]);
  return {
    vms: limitOf(constraints.maxVmsPerWave),
    perHost: limitOf(constraints.maxPerHost),
    perDatastore: limitOf(constraints.maxPerDatastore),
    gb: limitOf(constraints.maxGbPerWave),
    capacity,
  };
}

function loadOf(unit: PackUnit): UnitLoad {
  const hosts = new Map<string, number>();
  const datastores = new Map<string, number>();
  const demand = zeroDemand();
  let diskGb = 0;
  for (const vm of unit.vms) {
    diskGb += vm.diskGb;
    if (vm.host !== null) hosts.set(vm.host, (hosts.get(vm.host) ?? 0) + 1);
    // A VM with two disks on one datastore still counts once there.
    for (const ds of new Set(vm.datastores)) datastores.set(ds, (datastores.get(ds) ?? 0) + 1);
    for (const key of DEMAND_KEYS) demand[key] += vm.demand[key];
  }
  return { unit, vmCount: unit.vms.length, diskGb, hosts, datastores, demand };
}

/** The limits a unit breaks even in an empty wave, worded for the wave's warnings. */
function exceededAlone(load: UnitLoad, limits: Limits): string[] {
  const reasons: string[] = [];
  if (load.vmCount > limits.vms) reasons.push(`maxVmsPerWave ${limits.vms} with ${load.vmCount} VMs`);
  for (const [host, count] of [...load.hosts].sort((a, b) => byName(a[0], b[0]))) {
    if (count > limits.perHost)
      reasons.push(`maxPerHost ${limits.perHost} with ${count} VMs on host ${host}`);
  }
  for (const [ds, count] of [...load.datastores].sort((a, b) => byName(a[0], b[0]))) {
    if (count > limits.perDatastore) {
      reasons.push(`maxPerDatastore ${limits.perDatastore} with ${count} VMs on datastore ${ds}`);
    }
  }
  if (load.diskGb > limits.gb + EPSILON) reasons.push(`maxGbPerWave ${limits.gb} with ${load.diskGb} GB`);
  for (const key of DEMAND_KEYS) {
    if (load.demand[key] > limits.capacity[key] + EPSILON) {
      reasons.push(`capacity.${key} ${limits.capacity[key]} with ${load.demand[key]}`);
    }
  }
  return reasons;
}

function fits(wave: OpenWave, load: UnitLoad, limits: Limits): boolean {
  if (wave.vmCount + load.vmCount > limits.vms) return false;
  if (wave.diskGb + load.diskGb > limits.gb + EPSILON) return false;
  for (const [host, count] of load.hosts) {
    if ((wave.hosts.get(host) ?? 0) + count > limits.perHost) return false;
  }
  for (const [ds, count] of load.datastores) {
    if ((wave.datastores.get(ds) ?? 0) + count > limits.perDatastore) return false;
  }
  for (const key of DEMAND_KEYS) {
    if (wave.demand[key] + load.demand[key] > limits.capacity[key] + EPSILON) return false;
  }
  return true;
}

function openWave(waves: OpenWave[], layer: number): OpenWave {
  const wave: OpenWave = {
    index: waves.length + 1,
    layer,
    units: [],
    vmCount: 0,
    diskGb: 0,
    hosts: new Map(),
    datastores: new Map(),
    demand: zeroDemand(),
    warnings: [],
  };
  waves.push(wave);
  return wave;
}

function addTo(wave: OpenWave, load: UnitLoad): void {
  wave.units.push(load.unit.key);
  wave.vmCount += load.vmCount;
  wave.diskGb += load.diskGb;
  for (const [host, count] of load.hosts) wave.hosts.set(host, (wave.hosts.get(host) ?? 0) + count);
  for (const [ds, count] of load.datastores) wave.datastores.set(ds, (wave.datastores.get(ds) ?? 0) + count);
  for (const key of DEMAND_KEYS) wave.demand[key] += load.demand[key];
}

function toPacked(wave: OpenWave): PackedWave {
  return {
    index: wave.index,
    units: wave.units,
    vmCount: wave.vmCount,
    diskGb: wave.diskGb,
    layers: [wave.layer],
    demand: wave.demand,
    perHostMax: maxCount(wave.hosts),
    perDatastoreMax: maxCount(wave.datastores),
    warnings: wave.warnings,
  };
}

/** A loop, not Math.max(...spread): a wave without a VM limit can touch more datastores than a call takes arguments. */
function maxCount(counts: Map<string, number>): number {
  let max = 0;
  for (const count of counts.values()) if (count > max) max = count;
  return max;
}
