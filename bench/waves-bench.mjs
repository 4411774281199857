// Wave-planning benchmark body (see waves.sh). Uses the built code in dist/, as a deployment would.
import { loadConfig } from '../dist/config/app-config.js';
import { loadLabEnv } from '../dist/config/lab-env.js';
import { GraphClient } from '../dist/graph/graph-client.js';
import { applyConstraints } from '../dist/graph/schema-migrator.js';
import { layerDependencies } from '../dist/fleet/dependency-layering.js';
import { packWaves } from '../dist/fleet/wave-packer.js';
import { deleteEstate, generateEstate, writeEstate } from '../dist/fleet/synthetic-estate.js';
import { WavePlanner } from '../dist/fleet/wave-planner.js';
import { MigrationPlanning } from '../dist/services/migration-planning.js';

const vms = Number(process.argv[2] ?? 100000);
const edges = Number(process.argv[3] ?? 500000);
loadLabEnv();
const config = loadConfig();
const graph = new GraphClient(config.graph);
await applyConstraints(graph);
const prefix = `bench-waves-${Date.now().toString(36)}`;
const spec = { prefix, vms, edges, tiers: 12, cycles: 200, hosts: 200, datastores: 50, seed: 7 };
const secs = (ms) => (ms / 1000).toFixed(2);

try {
  let t = performance.now();
  const estate = generateEstate(spec);
  await writeEstate(graph, spec, estate);
  console.log(
    `estate: ${vms} VMs, ${estate.edges.length} edges, ${spec.cycles} planted cycles; written in ${secs(performance.now() - t)} s`,
  );

  // Warm-up (page cache, query plans) on the same graph, then the measured run of each.
  const planner = new WavePlanner(graph, new MigrationPlanning(graph, config), () => []);
  await planner.plan(`${prefix}-warmup`, { cluster: `${prefix}-cluster` }, { maxVmsPerWave: 5000 });

  t = performance.now();
  const plan = await planner.plan(prefix, { cluster: `${prefix}-cluster` }, { maxVmsPerWave: 5000 });
  const cypherMs = performance.now() - t;
  const timing = planner.lastTimings;

  t = performance.now();
  const rows = await graph.read('synthetic-estate-edges-read', { prefix });
  const loadMs = performance.now() - t;
  t = performance.now();
  const layering = layerDependencies({
    nodes: estate.vms.map((v) => v.id),
    edges: rows.map((r) => [r.from, r.to]),
  });
  const groupOf = layering.groupOf;
  const units = new Map();
  for (const vm of estate.vms) {
    const key = groupOf.has(vm.id) ? `g${groupOf.get(vm.id)}` : vm.id;
    const unit = units.get(key) ?? { key, layer: layering.layerOf.get(vm.id), moveGroup: null, vms: [] };
    unit.vms.push({
      id: vm.id,
      name: vm.name,
      host: String(vm.host),
      datastores: [String(vm.datastore)],
      diskGb: 1,
      demand: { instances: 1, cores: 0, ramMB: 0, volumes: 0, gigabytes: 0, ports: 0 },
    });
    units.set(key, unit);
  }
  const waves = packWaves([...units.values()], { maxVmsPerWave: 5000 });
  const computeMs = performance.now() - t;
  const memoryMs = loadMs + computeMs;

  const same =
    plan.layerCount === layering.layerCount &&
    plan.moveGroupCount === layering.moveGroups.length &&
    plan.waveCount === waves.length;
  console.log(
    `cypher planner: ${secs(cypherMs)} s (mark ${secs(timing.markMs)}, kahn ${secs(timing.kahnMs)} in ${plan.kahnRounds} rounds, cycles ${secs(timing.cyclesMs)}, pack ${secs(timing.packMs)}, store ${secs(timing.storeMs)})`,
  );
  console.log(
    `  ${plan.layerCount} layers, ${plan.moveGroupCount} move groups, ${plan.waveCount} waves (stored as WavePlan ${plan.id})`,
  );
  console.log(
    `in-memory Kahn + Tarjan in Node: ${secs(memoryMs)} s (load edges ${secs(loadMs)}, compute + pack ${secs(computeMs)}; nothing stored)`,
  );
  console.log(
    `  ${layering.layerCount} layers, ${layering.moveGroups.length} move groups, ${waves.length} waves; same result: ${same}`,
  );
  console.log(
    `ratio cypher / in-memory: ${(cypherMs / memoryMs).toFixed(2)}x (target ≤ 3x, cypher < 10 s: ${cypherMs < 10000 ? 'met' : 'missed'})`,
  );
  if (!same) process.exitCode = 1;
} finally {
  await deleteEstate(graph, prefix);
  await graph.close();
}
