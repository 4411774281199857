import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, type GraphQLSchema } from 'graphql';
import type { ApiContext } from '../../src/api/api-context.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { layerDependencies } from '../../src/fleet/dependency-layering.js';
import {
  deleteEstate,
  generateEstate,
  writeEstate,
  type SyntheticEstateSpec,
} from '../../src/fleet/synthetic-estate.js';
import { checkPlanOrder } from '../../src/fleet/wave-packer.js';
import { WavePlanner } from '../../src/fleet/wave-planner.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { MigrationPlanning } from '../../src/services/migration-planning.js';
import { labConfig, openGraph, uniqueName } from './support/lab.js';

// The Cypher planner on the real Neo4j, checked against the in-memory reference (Kahn + Tarjan) on the same graph.
let config: AppConfig;
let graph: GraphClient;
let planner: WavePlanner;
let schema: GraphQLSchema;
const prefixes: string[] = [];

async function estate(spec: Omit<SyntheticEstateSpec, 'prefix'>, edges?: [number, number][]) {
  const prefix = uniqueName('wp');
  prefixes.push(prefix);
  const full = { ...spec, prefix };
  const generated = generateEstate(full);
  if (edges) generated.edges = edges.map(([a, b]) => [generated.vms[a]!.id, generated.vms[b]!.id]);
  await writeEstate(graph, full, generated);
  return { prefix, ...generated, cluster: `${prefix}-cluster` };
}

beforeAll(async () => {
  config = labConfig();
  graph = await openGraph(config);
  planner = new WavePlanner(graph, new MigrationPlanning(graph, config), () => []);
  schema = await buildSchema(graph.driver);
});

afterAll(async () => {
  for (const prefix of prefixes) await deleteEstate(graph, prefix);
  await graph?.close();
});

describe('wave planning by topological Cypher', () => {
  it('layers a crafted graph, turns the cycle into a move group, spills a full layer and explains the wave', async () => {
    // 0=a → 1=b, b ⇄ 2=c (a cycle), 3=d → a, 4=e alone, 5=f → e
    const e = await estate({ vms: 6, edges: 0, tiers: 1, cycles: 0, hosts: 2, datastores: 1, seed: 1 }, [
      [0, 1],
      [1, 2],
      [2, 1],
      [3, 0],
      [5, 4],
    ]);
    const [a, b, c, d, ee, f] = e.vms.map((v) => v.name) as [string, string, string, string, string, string];
    const plan = await planner.plan(e.prefix, { cluster: e.cluster }, { maxVmsPerWave: 2 });
    expect(plan.vmCount).toBe(6);
    expect(plan.layerCount).toBe(3);
    expect(plan.moveGroups).toEqual([expect.objectContaining({ size: 2, members: [b, c].sort() })]);
    expect(plan.waves.map((w) => w.vms)).toEqual([[b, c].sort(), [ee], [a, f].sort(), [d]]);
    expect(plan.waves.map((w) => w.layers)).toEqual([[0], [0], [1], [2]]);
    expect(plan.status).toBe('draft');
    // The summary planWaves builds is what is stored (read back by wavePlan).
    expect(await planner.get(plan.id)).toEqual({ ...plan, externalDependencies: [] });

    const explanation = await planner.explain(e.vms[3]!.id, plan.id);
    expect(explanation).toContain(`wave 4 of plan ${e.prefix} v1 (dependency layer 2)`);
    expect(explanation).toContain(`longest dependency chain: ${d} → ${a} → ${b}`);
    const grouped = await planner.explain(e.vms[2]!.id, plan.id);
    expect(grouped).toContain(`moves with move group mg-1 (a dependency cycle: ${[b, c].sort().join(', ')})`);
    const spilled = await planner.explain(e.vms[4]!.id, plan.id);
    expect(spilled).toContain('wave 2');
    expect(spilled).toContain('spilled from wave 1 by the wave limits');

    // Plans are versioned per name and the working properties are gone from the VMs.
    const again = await planner.plan(e.prefix, { cluster: e.cluster }, {});
    expect(again.version).toBe(2);
    expect(again.waves.map((w) => w.vms.length)).toEqual([3, 2, 1]);
    const leftovers = await graph.runText(
      'MATCH (v:VM {vcenterId: $p}) WHERE v.ffoWaveRun IS NOT NULL RETURN count(v) AS n',
      { p: e.prefix },
    );
    expect(Number(leftovers[0]!.n)).toBe(0);
  });

  it('agrees with the in-memory Kahn + Tarjan on a generated estate with cycles, and respects host/datastore limits', async () => {
    const e = await estate({
      vms: 400,
      edges: 1600,
      tiers: 7,
      cycles: 6,
      hosts: 5,
      datastores: 3,
      seed: 42,
    });
    const plan = await planner.plan(
      e.prefix,
      { cluster: e.cluster },
      { maxPerHost: 10, maxPerDatastore: 15 },
    );
    const reference = layerDependencies({ nodes: e.vms.map((v) => v.id), edges: e.edges });

    const rows = await graph.runText(
      `MATCH (v:VM {vcenterId: $p})-[r:IN_WAVE]->(w:Wave {planId: $plan})
       RETURN v.id AS id, r.layer AS layer, r.via AS via, r.moveGroup AS moveGroup, w.index AS wave`,
      { p: e.prefix, plan: plan.id },
    );
    expect(rows).toHaveLength(400);
    const layerOf = new Map(rows.map((r) => [r.id as string, Number(r.layer)]));
    const viaOf = new Map(rows.map((r) => [r.id as string, (r.via as string | null) ?? null]));
    expect(layerOf).toEqual(reference.layerOf);
    expect(viaOf).toEqual(reference.via);
    expect(plan.layerCount).toBe(reference.layerCount);

    const groupsFromCypher = Object.values(
      rows
        .filter((r) => r.moveGroup)
        .reduce<Record<string, string[]>>((acc, r) => {
          (acc[r.moveGroup as string] ??= []).push(r.id as string);
          return acc;
        }, {}),
    )
      .map((g) => g.sort())
      .sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
    expect(groupsFromCypher).toEqual(reference.moveGroups);
    expect(reference.moveGroups.length).toBeGreaterThan(0);

    expect(await planner.get(plan.id)).toEqual({ ...plan, externalDependencies: [] });
    const waveOf = new Map(rows.map((r) => [r.id as string, Number(r.wave)]));
    expect(checkPlanOrder(waveOf, e.edges, reference.groupOf)).toEqual([]);
    for (const wave of plan.waves) {
      expect(wave.perHostMax).toBeLessThanOrEqual(10);
      expect(wave.perDatastoreMax).toBeLessThanOrEqual(15);
    }
  });

  it('refuses bad constraints and unknown VMs before writing a plan', async () => {
    const name = uniqueName('wp-bad');
    prefixes.push(name);
    await expect(planner.plan(name, {}, { maxVmsPerWave: 0, maxGbPerWave: -1 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: {
        problems: [expect.stringContaining('maxVmsPerWave'), expect.stringContaining('maxGbPerWave')],
      },
    });
    await expect(planner.plan(name, { vms: ['no-such-vm-' + name] }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(planner.plan(name, { cluster: 'no-such-cluster-' + name }, {})).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    const plans = await graph.runText('MATCH (p:WavePlan {name: $n}) RETURN count(p) AS n', { n: name });
    expect(Number(plans[0]!.n)).toBe(0);
  });

  it('is served over GraphQL: planWaves, wavePlan, Wave.vms and VM.waveExplanation', async () => {
    const e = await estate({ vms: 3, edges: 0, tiers: 1, cycles: 0, hosts: 1, datastores: 1, seed: 3 }, [
      [0, 1],
      [1, 2],
    ]);
    const context = {
      principal: { subject: 'wave-test', roles: ['admin'], claims: {} },
      jwt: {},
      services: { graph, wavePlanner: planner } as unknown as ApiContext['services'],
    };
    const run = (source: string, variableValues: Record<string, unknown>) =>
      graphql({ schema, source, variableValues, contextValue: context });
    const planned = await run(
      `mutation($name: String, $cluster: String) {
         planWaves(name: $name, scope: { cluster: $cluster }) { id version waveCount waves { index vms } } }`,
      { name: e.prefix, cluster: e.cluster },
    );
    expect(planned.errors).toBeUndefined();
    const plan = (
      planned.data as { planWaves: { id: string; waveCount: number; waves: { vms: string[] }[] } }
    ).planWaves;
    expect(plan.waves.map((w) => w.vms)).toEqual([[e.vms[2]!.name], [e.vms[1]!.name], [e.vms[0]!.name]]);

    const stored = await run(
      `query($id: ID!, $plan: ID!) {
         wavePlans(where: { id: { eq: $id } }) { version waves(sort: [{ index: ASC }]) { index vms { name waveExplanation(plan: $plan) } } }
         wavePlan(id: $id) { waveCount } }`,
      { id: plan.id, plan: plan.id },
    );
    expect(stored.errors).toBeUndefined();
    const data = stored.data as {
      wavePlans: { waves: { index: number; vms: { name: string; waveExplanation: string }[] }[] }[];
      wavePlan: { waveCount: number };
    };
    expect(data.wavePlan.waveCount).toBe(3);
    const last = data.wavePlans[0]!.waves[2]!.vms[0]!;
    expect(last.name).toBe(e.vms[0]!.name);
    expect(last.waveExplanation).toContain(
      `longest dependency chain: ${e.vms[0]!.name} → ${e.vms[1]!.name} → ${e.vms[2]!.name}`,
    );
  });
});
