// Discovery benchmark body (see discovery.sh). Uses the built code in dist/, as a deployment would.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../dist/config/app-config.js';
import { loadLabEnv } from '../dist/config/lab-env.js';
import { GraphClient } from '../dist/graph/graph-client.js';
import { applyConstraints } from '../dist/graph/schema-migrator.js';
import { readInventory } from '../dist/providers/vsphere/inventory-reader.js';
import { VimClient } from '../dist/providers/vsphere/vim-client.js';
import { RedisPubSub } from '../dist/pubsub/redis-pubsub.js';
import { SourceDiscovery } from '../dist/services/source-discovery.js';

const vms = Number(process.argv[2] ?? 5000);
loadLabEnv();

async function startSimulator(vms) {
  const dir = mkdtempSync(join(tmpdir(), 'ffo-bench-vcsim-'));
  const password = randomUUID();
  const instanceUuid = randomUUID();
  const perCluster = Math.max(1, Math.ceil(vms / 2));
  const child = spawn(
    process.env.FFO_VCSIM_BIN,
    [
      '-l',
      '127.0.0.1:0',
      '-tls=false',
      '-username',
      'bench',
      '-password',
      password,
      '-dc',
      '1',
      '-cluster',
      '2',
      '-host',
      '10',
      '-standalone-host',
      '0',
      '-ds',
      '4',
      '-pg',
      '4',
      '-vm',
      String(perCluster),
    ],
    {
      env: { ...process.env, TMPDIR: dir, VCSIM_INSTANCE_UUID: instanceUuid },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /GOVC_URL=(\S+)/.exec(out);
      if (m) {
        const u = new URL(m[1]);
        resolve(`${u.protocol}//${u.host}${u.pathname}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`vcsim exited ${code}`)));
  });
  return {
    url,
    password,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sim = await startSimulator(vms);
process.env.FFO_BENCH_VC_PASSWORD = sim.password;
const benchName = `bench-${randomUUID().slice(0, 8)}`;
const base = loadConfig();
const config = {
  ...base,
  vcenters: new Map([
    [
      benchName,
      {
        name: benchName,
        url: sim.url,
        username: 'bench',
        passwordEnv: 'FFO_BENCH_VC_PASSWORD',
        caFile: null,
        insecure: false,
      },
    ],
  ]),
};
const graph = new GraphClient(config.graph);
await applyConstraints(graph);
const pubsub = new RedisPubSub(config.redisUrl);

try {
  // Baseline: the simulator's own RetrievePropertiesEx for the same property set, raw HTTP time only.
  let rawMs = Infinity;
  let rawBytes = 0;
  let readMs = Infinity;
  for (let i = 0; i < 2; i++) {
    const client = new VimClient({
      url: sim.url,
      onCall: (s) => {
        if (s.method === 'RetrievePropertiesEx' && s.httpMs < rawMs) {
          rawMs = s.httpMs;
          rawBytes = s.responseBytes;
        }
      },
    });
    await client.login('bench', sim.password);
    const t = performance.now();
    await readInventory(client);
    readMs = Math.min(readMs, performance.now() - t);
    await client.logout();
    await client.close();
  }

  let fetched = 0;
  const fetchInventory = async (c) => {
    const client = new VimClient({ url: c.url });
    await client.login(c.username, c.password);
    try {
      const inventory = await readInventory(client);
      fetched = inventory.vms.length;
      return inventory;
    } finally {
      await client.logout();
      await client.close();
    }
  };
  const discovery = new SourceDiscovery(graph, pubsub, config, fetchInventory);
  // Warm-up on a small simulator of its own: JIT and Cypher plan caches, so the numbers are steady-state.
  const warm = await startSimulator(40);
  process.env.FFO_BENCH_WARM_PASSWORD = warm.password;
  const warmName = `bench-warm-${randomUUID().slice(0, 8)}`;
  const warmConfig = {
    ...config,
    vcenters: new Map([
      [
        warmName,
        {
          name: warmName,
          url: warm.url,
          username: 'bench',
          passwordEnv: 'FFO_BENCH_WARM_PASSWORD',
          caFile: null,
          insecure: false,
        },
      ],
    ]),
  };
  const warmDiscovery = new SourceDiscovery(graph, pubsub, warmConfig, fetchInventory);
  await warmDiscovery.run(await warmDiscovery.createRun(warmName), warmName);
  await warm.stop();

  const first = await discovery.run(await discovery.createRun(benchName), benchName);
  const again = await discovery.run(await discovery.createRun(benchName), benchName);

  const perSecond = (n, ms) => Math.round((n / ms) * 1000);
  console.log(`discovery benchmark: ${fetched} VMs, response ${(rawBytes / 1e6).toFixed(1)} MB`);
  console.log(`  baseline  raw RetrievePropertiesEx (simulator + transfer): ${rawMs.toFixed(0)} ms`);
  console.log(
    `  read      SOAP read + parse + map to inventory:            ${readMs.toFixed(0)} ms  (ratio to raw ${(readMs / rawMs).toFixed(2)})`,
  );
  console.log(
    `  first     end to end into an empty twin:                   ${first.durationMs} ms  ${perSecond(first.vmsTotal, first.durationMs)} VMs/s  (ratio to raw ${(first.durationMs / rawMs).toFixed(2)})`,
  );
  console.log(
    `  again     re-discovery, nothing changed:                   ${again.durationMs} ms  ${perSecond(again.vmsTotal, again.durationMs)} VMs/s  (ratio to raw ${(again.durationMs / rawMs).toFixed(2)})`,
  );
  console.log(
    `  target    >= 2000 VMs/s end to end: first ${perSecond(first.vmsTotal, first.durationMs) >= 2000 ? 'met' : 'NOT met'}, again ${perSecond(again.vmsTotal, again.durationMs) >= 2000 ? 'met' : 'NOT met'}`,
  );
} finally {
  await pubsub.close();
  await graph.close();
  await sim.stop();
}
