// API benchmark body (see api.sh). Uses the built code in dist/, as a deployment would.
// 1. The GraphQL 3-hop dependency query under 100 concurrent HTTP clients (autocannon, in a child process so the
//    load generator does not share the server's event loop) next to the same query as hand-written Cypher
//    (cypher/bench-dependency-hops.cypher) through neo4j-driver under 100 concurrent callers, in the same run.
// 2. Subscription fan-out: 1,000 graphql-ws clients (in a worker thread) on migrationEvents; p99 from the Redis
//    publish of an event (the engine's path) to its receipt by each client.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const CONNECTIONS = Number(process.env.FFO_BENCH_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.FFO_BENCH_SECONDS ?? 15);
const SUBSCRIBERS = Number(process.env.FFO_BENCH_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.FFO_BENCH_EVENTS ?? 20);
const VMS = Number(process.env.FFO_BENCH_VMS ?? 20000);
const EDGES = Number(process.env.FFO_BENCH_EDGES ?? 100000);

const QUERY = `query Deps3($id: ID!) {
  vms(where: { id: { eq: $id } }) { id name dependsOn { id name dependsOn { id name dependsOn { id name } } } }
}`;
const SUBSCRIPTION = `subscription Fanout($migration: ID!) {
  migrationEvents(filter: { migration: $migration }) { id migrationId kind message }
}`;

const now = () => performance.timeOrigin + performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

if (process.argv[2] === 'http-load') {
  // autocannon against the API in a child process (it treats a worker thread as one of its own workers): every
  // request asks for a different root VM.
  const { default: autocannon } = await import('autocannon');
  const { url, token, roots, connections, seconds } = await new Promise((resolve) =>
    process.once('message', resolve),
  );
  let next = 0;
  const result = await new Promise((resolve, reject) =>
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        // setupRequest works per entry of `requests` (a top-level one sends no body).
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({ query: QUERY, variables: { id: roots[next++ % roots.length] } }),
            }),
          },
        ],
      },
      (error, answer) => (error ? reject(error) : resolve(answer)),
    ),
  );
  process.send({
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    rps: result.requests.average,
    total: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  });
  process.disconnect();
} else if (!isMainThread && workerData.role === 'subscribers') {
  // 1,000 graphql-ws clients; each receipt is reported as (event index, latency in ms).
  const { createClient } = await import('graphql-ws');
  const { default: WebSocket } = await import('ws');
  const { wsUrl, token, migration, count } = workerData;
  const latencies = [];
  const seen = new Map();
  const clients = [];
  for (let i = 0; i < count; i++) {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe(
      { query: SUBSCRIPTION, variables: { migration } },
      {
        next: (result) => {
          const at = now();
          const event = result.data?.migrationEvents;
          if (!event) return;
          const [kind, sent] = [event.kind, Number(event.message)];
          if (kind === 'bench.probe') {
            seen.set(i, true);
            if (seen.size === count) parentPort.postMessage({ type: 'all-subscribed' });
            return;
          }
          latencies.push(at - sent);
          if (latencies.length === count * workerData.events) {
            parentPort.postMessage({ type: 'done', latencies });
          }
        },
        error: (error) => parentPort.postMessage({ type: 'error', message: String(error?.message ?? error) }),
        complete: () => undefined,
      },
    );
  }
  parentPort.on('message', async (message) => {
    if (message === 'close') {
      await Promise.all(clients.map((c) => c.dispose()));
      parentPort.postMessage({ type: 'closed' });
    }
  });
} else {
  await main();
}

async function main() {
  const { randomUUID } = await import('node:crypto');
  const { loadLabEnv } = await import('../dist/config/lab-env.js');
  loadLabEnv();
  const { openRuntime } = await import('../dist/app/runtime.js');
  const { buildSchema } = await import('../dist/api/schema-builder.js');
  const { startApiServer } = await import('../dist/api/api-server.js');
  const { issueToken } = await import('../dist/auth/jwt-auth.js');
  const { cypher } = await import('../dist/graph/cypher-catalog.js');
  const { deleteEstate, generateEstate, writeEstate } = await import('../dist/fleet/synthetic-estate.js');
  const { EVENTS_CHANNEL } = await import('../dist/engine/migration-events.js');
  const neo4j = (await import('neo4j-driver')).default;

  const { loadavg } = await import('node:os');
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`load average before: ${load()} (timings are only comparable on an idle machine)`);
  const runtime = await openRuntime();
  const prefix = `bench-api-${Date.now().toString(36)}`;
  const spec = { prefix, vms: VMS, edges: EDGES, tiers: 12, cycles: 20, hosts: 100, datastores: 20, seed: 5 };
  const secret = randomUUID() + randomUUID();
  const config = { ...runtime.config, auth: { jwtSecret: secret, disabled: false } };
  const token = await issueToken(secret, 'bench-api', ['analyst']);
  let api = null;
  const ms = (v) => `${v.toFixed(1)} ms`;
  const verdict = (ok) => (ok ? 'met' : 'missed');
  try {
    let t = performance.now();
    const estate = generateEstate(spec);
    await writeEstate(runtime.graph, spec, estate);
    console.log(
      `estate: ${VMS} VMs, ${estate.edges.length} DEPENDS_ON edges (12 tiers); written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    // Roots in the top three tiers: each has a full 3-hop dependency tree below it.
    const top = estate.vms.filter((v) => v.tier >= spec.tiers - 3);
    const roots = Array.from({ length: 500 }, (_, i) => top[(i * 7919) % top.length].id);

    const schema = await buildSchema(runtime.graph.driver);
    api = await startApiServer(schema, runtime, config, { port: 0, host: '127.0.0.1' });

    // The same answer both ways (ids at every depth), checked on a few roots before timing anything.
    const statement = cypher('bench-dependency-hops').text;
    const driver = runtime.graph.driver;
    const raw = async (id) =>
      (await driver.executeQuery(statement, { vmId: id }, { routing: neo4j.routing.READ })).records.map((r) =>
        r.toObject(),
      );
    const rawAutoCommit = async (id) => {
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      try {
        return (await session.run(statement, { vmId: id })).records.map((r) => r.toObject());
      } finally {
        await session.close();
      }
    };
    const viaApi = async (id) => {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY, variables: { id } }),
      });
      const body = await response.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data.vms;
    };
    const ids = (tree) =>
      tree.flatMap((v) => [`${v.id}`, ...ids(v.dependsOn ?? []).map((c) => `${v.id}>${c}`)]).sort();
    let nodes = 0;
    for (const id of roots.slice(0, 5)) {
      // Distinct paths: a pair of VMs joined by two DEPENDS_ON edges counts once either way.
      const [a, b, c] = [viaApi, raw, rawAutoCommit].map(async (call) => [...new Set(ids(await call(id)))]);
      const [paths, viaExecuteQuery, viaAutoCommit] = await Promise.all([a, b, c]);
      for (const other of [viaExecuteQuery, viaAutoCommit]) {
        if (JSON.stringify(paths) !== JSON.stringify(other)) {
          throw new Error(
            `GraphQL and Cypher disagree on ${id}: ${paths.length} vs ${other.length} distinct paths`,
          );
        }
      }
      nodes += paths.length;
    }
    console.log(
      `3-hop query: same answer through GraphQL and Cypher; ~${Math.round(nodes / 5)} paths per root`,
    );

    // Warm-up of both paths (query plans, JIT, connection pool).
    for (let i = 0; i < 200; i++) {
      await Promise.all([
        viaApi(roots[i % roots.length]),
        raw(roots[(i + 1) % roots.length]),
        rawAutoCommit(roots[(i + 2) % roots.length]),
      ]);
    }

    // CPU of this process (the API server; the load generator is a child) per request: steadier than latency
    // when something else loads the machine.
    let cpu = process.cpuUsage();
    const httpLoad = await new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['http-load']);
      child.send({ url: api.url, token, roots, connections: CONNECTIONS, seconds: SECONDS });
      child.once('message', resolve);
      child.once('error', reject);
      child.once('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
    });

    const apiCpu = process.cpuUsage(cpu);
    const apiCpuMs = (apiCpu.user + apiCpu.system) / 1000 / Math.max(1, httpLoad.total);

    // The driver under the same concurrency for the same time: CONNECTIONS callers in a closed loop, once through
    // executeQuery (a managed transaction: BEGIN, RUN, COMMIT) and once as an auto-commit session.run, the way
    // the API now runs @neo4j/graphql's Cypher. The targets are judged against the faster of the two.
    const driverLoad = async (call) => {
      const latencies = [];
      const deadline = performance.now() + SECONDS * 1000;
      let k = 0;
      let errors = 0;
      const cpuAtStart = process.cpuUsage();
      const startedAt = performance.now();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (performance.now() < deadline) {
            const started = performance.now();
            try {
              await call(roots[k++ % roots.length]);
              latencies.push(performance.now() - started);
            } catch {
              errors += 1;
            }
          }
        }),
      );
      const seconds = (performance.now() - startedAt) / 1000;
      const used = process.cpuUsage(cpuAtStart);
      latencies.sort((a, b) => a - b);
      return {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        rps: latencies.length / seconds,
        calls: latencies.length,
        errors,
        cpuMs: (used.user + used.system) / 1000 / Math.max(1, latencies.length),
      };
    };
    const managed = await driverLoad(raw);
    const autoCommit = await driverLoad(rawAutoCommit);

    console.log(
      `\nGraphQL 3-hop dependency query, ${CONNECTIONS} concurrent clients, ${SECONDS} s (autocannon):`,
    );
    console.log(
      `  GraphQL over HTTP : p50 ${ms(httpLoad.p50)}  p99 ${ms(httpLoad.p99)}  ${httpLoad.rps.toFixed(0)} req/s  (${httpLoad.total} requests, ${httpLoad.errors} errors)`,
    );
    const sides = [
      ['Cypher via driver (executeQuery)', managed],
      ['Cypher via driver (auto-commit) ', autoCommit],
    ];
    for (const [label, d] of sides) {
      console.log(
        `  ${label}: p50 ${ms(d.p50)}  p99 ${ms(d.p99)}  ${d.rps.toFixed(0)} req/s  (${d.calls} calls, ${d.errors} errors)`,
      );
    }
    console.log(
      `  Node CPU per request: GraphQL server ${apiCpuMs.toFixed(2)} ms, driver caller ${managed.cpuMs.toFixed(2)} ms (executeQuery) / ${autoCommit.cpuMs.toFixed(2)} ms (auto-commit)`,
    );
    for (const [label, d] of sides) {
      console.log(
        `  ratio GraphQL / ${label.trim().replace('Cypher via ', '')}: p50 ${(httpLoad.p50 / d.p50).toFixed(2)}x, p99 ${(httpLoad.p99 / d.p99).toFixed(2)}x, throughput ${(d.rps / httpLoad.rps).toFixed(2)}x fewer req/s`,
      );
    }
    console.log(`  target p99 < 50 ms: ${verdict(httpLoad.p99 < 50)} (${ms(httpLoad.p99)})`);
    const fastest = autoCommit.rps >= managed.rps ? autoCommit : managed;
    const ratioP99 = httpLoad.p99 / fastest.p99;
    const ratioP50 = httpLoad.p50 / fastest.p50;
    const ratioRps = fastest.rps / httpLoad.rps;
    console.log(
      `  target ≤ 2x the raw driver (${fastest === autoCommit ? 'auto-commit' : 'executeQuery'}, the faster): p99 ${verdict(ratioP99 <= 2)} (${ratioP99.toFixed(2)}x), ` +
        `p50 ${verdict(ratioP50 <= 2)} (${ratioP50.toFixed(2)}x), throughput ${verdict(ratioRps <= 2)} (${ratioRps.toFixed(2)}x)`,
    );

    // Subscription fan-out.
    const migration = `bench-fanout-${randomUUID().slice(0, 8)}`;
    const subscribers = new Worker(new URL(import.meta.url), {
      workerData: {
        role: 'subscribers',
        wsUrl: api.wsUrl,
        token,
        migration,
        count: SUBSCRIBERS,
        events: EVENTS,
      },
    });
    const messages = [];
    let wake = null;
    subscribers.on('message', (m) => {
      messages.push(m);
      wake?.();
    });
    subscribers.on('error', (e) => {
      messages.push({ type: 'error', message: String(e) });
      wake?.();
    });
    const until = async (type, ms, poll) => {
      const end = performance.now() + ms;
      for (;;) {
        const error = messages.find((m) => m.type === 'error');
        if (error) throw new Error(`subscriber: ${error.message}`);
        const found = messages.find((m) => m.type === type);
        if (found) return found;
        if (performance.now() > end) throw new Error(`no ${type} within ${ms} ms`);
        await poll?.();
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, 250);
        });
      }
    };
    const publish = (kind, message) =>
      runtime.pubsub.publish(EVENTS_CHANNEL, {
        id: randomUUID(),
        migrationId: migration,
        vmId: null,
        vmName: 'bench',
        at: new Date().toISOString(),
        phase: 'bench',
        level: 'info',
        kind,
        message,
        data: null,
      });
    t = performance.now();
    // A subscription is live once it has seen a probe: probe until every client has.
    await until('all-subscribed', 120_000, () => publish('bench.probe', String(now())));
    console.log(
      `\nSubscription fan-out: ${SUBSCRIBERS} graphql-ws clients subscribed in ${((performance.now() - t) / 1000).toFixed(1)} s; ${EVENTS} events, 200 ms apart`,
    );
    for (let i = 0; i < EVENTS; i++) {
      await publish('bench.event', String(now()));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { latencies: fanout } = await until('done', 60_000);
    fanout.sort((a, b) => a - b);
    const fanoutP99 = percentile(fanout, 99);
    console.log(
      `  publish → receipt: p50 ${ms(percentile(fanout, 50))}  p99 ${ms(fanoutP99)}  max ${ms(fanout[fanout.length - 1])}  (${fanout.length} receipts)`,
    );
    console.log(`  target fan-out p99 < 100 ms: ${verdict(fanoutP99 < 100)} (${ms(fanoutP99)})`);
    subscribers.postMessage('close');
    await until('closed', 30_000);
    await subscribers.terminate();
    console.log(`\nload average after: ${load()}`);
  } finally {
    await api?.close();
    await deleteEstate(runtime.graph, prefix);
    await runtime.close();
  }
}
