import type { GraphClient } from '../graph/graph-client.js';

/** A generated estate for the wave planner's tests and benchmark: tiers of VMs depending on lower tiers, plus cycles. */
export interface SyntheticEstateSpec {
  /** Prefix of every id and name; synthetic-estate-delete removes exactly what carries it. */
  prefix: string;
  vms: number;
  edges: number;
  /** Dependency tiers: a VM depends on VMs of lower tiers (so layers ≈ tiers). */
  tiers: number;
  /** Dependency cycles planted inside tiers (alternating 2- and 3-cycles). */
  cycles: number;
  hosts: number;
  datastores: number;
  seed: number;
  /** Disk size per VM. */
  diskBytes?: number;
}

export interface SyntheticVm {
  id: string;
  name: string;
  tier: number;
  host: number;
  datastore: number;
  bytes: number;
}

export interface SyntheticEstate {
  vms: SyntheticVm[];
  /** [from, to]: from depends on to. */
  edges: [string, string][];
  /** The planted cycles (VM ids). */
  cycles: string[][];
}

/** mulberry32: small, seeded, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateEstate(spec: SyntheticEstateSpec): SyntheticEstate {
  const random = seededRandom(spec.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const width = Math.ceil(spec.vms / spec.tiers);
  const vms: SyntheticVm[] = [];
  for (let i = 0; i < spec.vms; i++) {
    const id = `${spec.prefix}-vm-${String(i).padStart(6, '0')}`;
    vms.push({
      id,
      name: id,
      tier: Math.floor(i / width),
      host: pick(spec.hosts),
      datastore: pick(spec.datastores),
      bytes: spec.diskBytes ?? 2 ** 30,
    });
  }
  const edges: [string, string][] = [];
  const cycles: string[][] = [];
  // Cycle edges come out of the edge budget, so the estate has exactly spec.edges edges.
  const cycleEdges = Math.ceil(spec.cycles / 2) * 2 + Math.floor(spec.cycles / 2) * 3;
  let budget = Math.max(0, spec.edges - cycleEdges);
  for (let i = width; i < vms.length && budget > 0; i++) {
    const left = vms.length - i;
    const degree = Math.max(1, Math.round(budget / left));
    const below = vms[i]!.tier * width;
    for (let k = 0; k < degree && budget > 0; k++) {
      edges.push([vms[i]!.id, vms[pick(below)]!.id]);
      budget -= 1;
    }
  }
  for (let c = 0; c < spec.cycles; c++) {
    const size = c % 2 === 0 ? 2 : 3;
    const tier = 1 + pick(Math.max(1, spec.tiers - 1));
    const start = Math.min(tier * width, Math.max(0, vms.length - width));
    const members = new Set<string>();
    while (members.size < size) members.add(vms[start + pick(Math.min(width, vms.length - start))]!.id);
    const ring = [...members];
    ring.forEach((id, i) => edges.push([id, ring[(i + 1) % ring.length]!]));
    cycles.push(ring);
  }
  return { vms, edges, cycles };
}

const BATCH = 10_000;

/** Writes the estate into the twin (hosts in one cluster named `<prefix>-cluster`). */
export async function writeEstate(
  graph: GraphClient,
  spec: SyntheticEstateSpec,
  estate: SyntheticEstate,
): Promise<void> {
  await graph.write('synthetic-estate-hosts', {
    prefix: spec.prefix,
    hosts: spec.hosts,
    datastores: spec.datastores,
  });
  for (let i = 0; i < estate.vms.length; i += BATCH) {
    await graph.write('synthetic-estate-vms', { prefix: spec.prefix, rows: estate.vms.slice(i, i + BATCH) });
  }
  for (let i = 0; i < estate.edges.length; i += BATCH) {
    await graph.write('synthetic-estate-edges', { rows: estate.edges.slice(i, i + BATCH) });
  }
}

export async function deleteEstate(graph: GraphClient, prefix: string): Promise<void> {
  await graph.writeBatched('synthetic-estate-delete', { prefix });
}
