import { WavePlanner } from '../../src/fleet/wave-planner.js';
import { FleetEventBus } from '../../src/fleet/fleet-events.js';
import { FleetService } from '../../src/fleet/fleet-service.js';
import { FleetStore } from '../../src/fleet/fleet-store.js';
import { parseFleetOptions } from '../../src/fleet/fleet-options.js';
import { deleteEstate, generateEstate, writeEstate } from '../../src/fleet/synthetic-estate.js';
import { MigrationEventBus } from '../../src/engine/migration-events.js';
import { FleetQueue } from '../../src/queue/fleet-queue.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { execa } from 'execa';
import { createClient, type Client } from 'graphql-ws';
import type { Redis } from 'ioredis';
import WebSocket from 'ws';
import { startApiServer, type RunningApi } from '../../src/api/api-server.js';
import type { ApiServices } from '../../src/api/api-context.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import { issueToken } from '../../src/auth/jwt-auth.js';
import type { Role } from '../../src/auth/roles.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { RedisPubSub } from '../../src/pubsub/redis-pubsub.js';
import { DiscoveryQueue } from '../../src/queue/discovery-queue.js';
import { startDiscoveryWorker } from '../../src/queue/discovery-worker.js';
import { bullConnection } from '../../src/queue/redis-connection.js';
import { DependencyService } from '../../src/services/dependency-service.js';
import { MigrationPlanning } from '../../src/services/migration-planning.js';
import { SourceDiscovery } from '../../src/services/source-discovery.js';
import { TargetDiscovery } from '../../src/services/target-discovery.js';
import { fetchVSphereInventory } from '../../src/services/vsphere-inventory-fetcher.js';
import { govc, labConfig, openGraph, uniqueName } from './support/lab.js';
import { startPrivateVcsim, type PrivateVcsim } from './support/private-vcsim.js';

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

describe('GraphQL API on the real lab', () => {
  let config: AppConfig;
  let graph: GraphClient;
  let pubsub: RedisPubSub;
  let connection: Redis;
  let queue: DiscoveryQueue;
  let worker: Worker;
  let api: RunningApi;
  let vcsim: PrivateVcsim;
  let vcName: string;
  let vcenterId: string;
  let newVmName: string;
  const vmIds = new Map<string, string>();
  const tokens: Partial<Record<Role, string>> = {};
  const prefix = uniqueName('ffo-test-queue');
  const estatePrefix = uniqueName('api-fleet');
  let fleetStore: FleetStore;
  let fleetEvents: FleetEventBus;
  let fleetQueue: FleetQueue;
  let wavePlanner: WavePlanner;
  let fleets: FleetService;

  const call = async (
    query: string,
    variables: Record<string, unknown> = {},
    role: Role | null = 'analyst',
  ): Promise<Answer> => {
    const response = await fetch(api.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
  };

  beforeAll(async () => {
    const base = labConfig();
    vcsim = await startPrivateVcsim(['-dc', '1', '-cluster', '1', '-host', '2', '-vm', '5']);
    vcName = uniqueName('api');
    newVmName = uniqueName('api-vm');
    await govc(
      ['vm.create', '-on=false', '-host', 'DC0_H0', '-c', '1', '-m', '512', '-net', 'VM Network', newVmName],
      vcsim.govcEnv,
    );
    config = {
      ...vcsim.asVCenter(base, vcName),
      auth: { jwtSecret: 'api-test-secret-api-test-secret-42', disabled: false },
    };
    for (const role of ['analyst', 'agent', 'admin'] as Role[]) {
      tokens[role] = await issueToken(config.auth.jwtSecret!, `test-${role}`, [role]);
    }
    graph = await openGraph(config);
    pubsub = new RedisPubSub(config.redisUrl);
    connection = bullConnection(config.redisUrl);
    queue = new DiscoveryQueue(connection, prefix);
    const discovery = new SourceDiscovery(graph, pubsub, config, fetchVSphereInventory);
    worker = startDiscoveryWorker(
      connection,
      { source: discovery, target: null },
      { prefix, concurrency: 1 },
    );
    await worker.waitUntilReady();
    const planning = new MigrationPlanning(graph, config);
    wavePlanner = new WavePlanner(graph, planning, () => [...config.clouds.keys()]);
    fleetStore = new FleetStore(graph);
    fleetEvents = new FleetEventBus(graph, pubsub);
    fleetQueue = new FleetQueue(connection, prefix);
    fleets = new FleetService(
      fleetStore,
      fleetEvents,
      new MigrationEventBus(graph, pubsub),
      fleetQueue,
      () => ['lab'],
    );
    const services = {
      graph,
      pubsub,
      discovery,
      // Target discovery has its own tests against the lab OpenStack; here it must not be reached.
      targetDiscovery: new TargetDiscovery(graph, pubsub, config, async () => {
        throw new Error('target discovery is not part of this test');
      }),
      discoveryQueue: queue,
      planning,
      wavePlanner,
      fleets,
      dependencies: new DependencyService(graph),
      // The engine has its own tests (migration-*.test.ts, fleet.test.ts); nothing here reaches it.
      ...({} as Pick<ApiServices, 'migrations' | 'migrationEvents' | 'migrationQueue'>),
    };
    api = await startApiServer(await buildSchema(graph.driver), services, config, {
      port: 0,
      host: '127.0.0.1',
    });
  });

  afterAll(async () => {
    await api?.close();
    await fleetQueue?.close();
    if (graph) {
      await graph.writeBatched('synthetic-fleet-delete', { prefix: estatePrefix });
      await deleteEstate(graph, estatePrefix);
    }
    await worker?.close();
    await queue?.close();
    await connection?.quit();
    await pubsub?.close();
    await graph?.close();
    await vcsim?.stop();
  });

  it('refuses a request without a token', async () => {
    const answer = await call('{ estateSummary { vms } }', {}, null);
    expect(answer.status).toBe(401);
    expect(answer.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('lets an analyst read but not mutate', async () => {
    expect((await call('{ estateSummary { vms } }')).errors).toBeUndefined();
    const answer = await call('mutation($v: String!) { discoverSource(vcenter: $v) { runId } }', {
      v: vcName,
    });
    expect(answer.status).toBe(403);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'agent' });
  });

  it('refuses unknown vCenters before anything is queued', async () => {
    const answer = await call('mutation { discoverSource(vcenter: "no-such-vc") { runId } }', {}, 'agent');
    expect(answer.errors![0]!.extensions.code).toBe('NOT_FOUND');
    expect(await queue.queue.getJobCounts('waiting', 'active', 'completed', 'failed')).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
    });
  });

  it('runs discoverSource on the worker and streams progress over graphql-ws', async () => {
    await worker.pause();
    const started = await call(
      'mutation($v: String!) { discoverSource(vcenter: $v) { runId status } }',
      { v: vcName },
      'agent',
    );
    expect(started.errors).toBeUndefined();
    const runId = (started.data!.discoverSource as { runId: string }).runId;

    const client: Client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokens.analyst}` },
      retryAttempts: 0,
    });
    const events: { phase: string; vmsWritten: number; done: boolean }[] = [];
    const iterator = client.iterate<{
      discoveryProgress: { phase: string; vmsWritten: number; done: boolean };
    }>({
      query:
        'subscription($id: ID!) { discoveryProgress(runId: $id) { phase vmsWritten vmsTotal done errorCode } }',
      variables: { id: runId },
    });
    const first = await iterator.next();
    events.push(first.value!.data!.discoveryProgress);
    worker.resume();
    for await (const event of iterator) {
      events.push(event.data!.discoveryProgress);
      if (event.data!.discoveryProgress.done) break;
    }
    await client.dispose();

    expect(events[0]!.phase).toBe('queued');
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(['connecting', 'writing', 'done']));
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: true, vmsWritten: 11 });

    const summary = await call(
      'query($v: String) { estateSummary(vcenter: $v) { vcenters vms hosts clusters byPowerState { key count } } }',
      {
        v: vcName,
      },
    );
    expect(summary.data!.estateSummary).toMatchObject({ vcenters: 1, vms: 11, hosts: 3, clusters: 1 });
    const vc = await call('query($n: String!) { vCenters(where: { name: { eq: $n } }) { id } }', {
      n: vcName,
    });
    vcenterId = (vc.data!.vCenters as { id: string }[])[0]!.id;
    expect(vcenterId).toBe(vcsim.instanceUuid);
    const vms = await call('query($vc: ID!) { vms(where: { vcenterId: { eq: $vc } }) { id name } }', {
      vc: vcenterId,
    });
    for (const v of vms.data!.vms as { id: string; name: string }[]) vmIds.set(v.name, v.id);
  });

  it("streams fleetProgress over graphql-ws: the current state first, then the orchestrator's updates until done", async () => {
    const spec = {
      prefix: estatePrefix,
      vms: 3,
      edges: 2,
      tiers: 3,
      cycles: 0,
      hosts: 1,
      datastores: 1,
      seed: 5,
    };
    await writeEstate(graph, spec, generateEstate(spec));
    const plan = await wavePlanner.plan(estatePrefix, { cluster: `${estatePrefix}-cluster` }, {});
    // The fleet is created without its orchestrator job: this test plays the orchestrator's part on pub/sub.
    const fleetId = `${estatePrefix}-fleet`;
    expect(await fleetStore.create(fleetId, plan.id, parseFleetOptions({}, 'lab'))).toBe(3);
    const client: Client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokens.analyst}` },
      retryAttempts: 0,
    });
    type P = {
      fleetProgress: {
        status: string;
        vms: number;
        waveCount: number;
        done: boolean;
        byState: { key: string; count: number }[];
      };
    };
    const iterator = client.iterate<P>({
      query:
        'subscription($f: ID!) { fleetProgress(fleet: $f) { status vms waveCount done byState { key count } } }',
      variables: { f: fleetId },
    });
    const first = (await iterator.next()).value!.data!.fleetProgress;
    expect(first).toEqual({
      status: 'running',
      vms: 3,
      waveCount: plan.waveCount,
      done: false,
      byState: [{ key: 'pending', count: 3 }],
    });
    // An analyst cannot pause it; an agent can, over HTTP.
    const refused = await call('mutation($f: ID!) { pauseFleet(fleet: $f) { status } }', { f: fleetId });
    expect(refused.errors![0]!.extensions.code).toBe('FORBIDDEN');
    const paused = await call(
      'mutation($f: ID!) { pauseFleet(fleet: $f) { status } }',
      { f: fleetId },
      'agent',
    );
    expect(paused.data!.pauseFleet).toEqual({ status: 'paused' });
    // What the orchestrator publishes when a fleet ends.
    await fleetEvents.progress({ ...(await fleets.progress(fleetId)), status: 'cancelled', done: true });
    const updates: P['fleetProgress'][] = [];
    for await (const event of iterator) {
      updates.push(event.data!.fleetProgress);
      if (event.data!.fleetProgress.done) break;
    }
    await client.dispose();
    expect(updates.at(-1)).toMatchObject({ status: 'cancelled', done: true });
  });

  it('streams fleetEvents of every fleet over graphql-ws, so a client learns of a fleet started after it connected', async () => {
    const fleetId = `${estatePrefix}-announced`;
    const client: Client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${tokens.analyst}` },
      retryAttempts: 0,
    });
    type E = { fleetEvents: { fleetId: string; kind: string; message: string; data: string | null } };
    const iterator = client.iterate<E>({
      query: 'subscription { fleetEvents { fleetId kind message data } }',
    });
    // Every fleet's events arrive here (other clients of the lab may emit too): wait for this test's fleet.
    const ours = (async () => {
      for await (const event of iterator) {
        if (event.data!.fleetEvents.fleetId === fleetId) return event.data!.fleetEvents;
      }
      throw new Error('the subscription ended');
    })();
    // The server subscribes to Redis once the operation starts, which the client is not told: emit until the
    // first event arrives (the probes are fleet events like any other, of this test's own fleet id).
    let arrived = false;
    void ours.then(() => (arrived = true));
    while (!arrived) {
      await fleetEvents.emit(fleetId, 'fleet.started', 'info', 'fleet started', { data: { items: 2 } });
      await Promise.race([ours, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    const first = await ours;
    await client.dispose();
    expect(first).toEqual({
      fleetId,
      kind: 'fleet.started',
      message: 'fleet started',
      data: JSON.stringify({ items: 2 }),
    });
  });

  it('refuses subscriptions without a token', async () => {
    const client = createClient({ url: api.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    const outcome = await new Promise<string>((resolve) => {
      client.subscribe(
        { query: 'subscription { discoveryProgress(runId: "x") { phase } }' },
        {
          next: () => resolve('next'),
          error: (e) => resolve(JSON.stringify(e)),
          complete: () => resolve('complete'),
        },
      );
    });
    await client.dispose();
    expect(outcome).toContain('UNAUTHENTICATED');
  });

  describe('dependencies', () => {
    // Other tests' simulators have VMs with the same generated names, so refer to them by twin id.
    const vmName = (n: number): string => (n < 5 ? `DC0_C0_RP0_VM${n}` : `DC0_H0_VM${n - 5}`);
    const vm = (n: number): string => vmIds.get(vmName(n))!;

    it('imports a good CSV through GraphQL and answers bounded closures', async () => {
      // A→B→C→D→A is a cycle (a move group later); B→E branches.
      const csv = [
        'from,to,reason,confidence',
        `${vm(0)},${vm(1)},app→db,0.9`,
        `${vm(1)},${vm(2)},,`,
        `${vm(2)},${vm(3)},,`,
        `${vm(3)},${vm(0)},,0.5`,
        `${vm(1)},${vm(4)},,`,
      ].join('\n');
      const imported = await call(
        'mutation($c: String!) { importDependencies(format: CSV, content: $c) { imported created updated } }',
        { c: csv },
        'agent',
      );
      expect(imported.data!.importDependencies).toEqual({ imported: 5, created: 5, updated: 0 });

      const closure = await call(
        'query($vm: ID!) { dependencyClosure(vm: $vm, direction: UPSTREAM, maxDepth: 2) { root { name } vms { name depth } edges { from to } truncated } }',
        { vm: vm(0) },
      );
      const up = closure.data!.dependencyClosure as {
        vms: { name: string; depth: number }[];
        edges: unknown[];
        truncated: boolean;
      };
      expect(up.vms).toEqual([
        { name: vmName(1), depth: 1 },
        { name: vmName(2), depth: 2 },
        { name: vmName(4), depth: 2 },
      ]);
      expect(up.edges).toHaveLength(3);
      expect(up.truncated).toBe(true);

      const down = await call(
        'query($vm: ID!) { dependencyClosure(vm: $vm, direction: DOWNSTREAM, maxDepth: 5) { vms { name depth } truncated } }',
        { vm: vm(2) },
      );
      expect(down.data!.dependencyClosure).toEqual({
        vms: [
          { name: vmName(1), depth: 1 },
          { name: vmName(0), depth: 2 },
          { name: vmName(3), depth: 3 },
        ],
        truncated: false,
      });
    });

    it('refuses a bad file as a whole, listing every bad row, and writes nothing', async () => {
      const before = await call('query($v: String) { estateSummary(vcenter: $v) { dependencies } }', {
        v: vcName,
      });
      const json = JSON.stringify([
        { from: vm(5), to: vm(6) },
        { from: 'ghost-vm', to: vm(6) },
        { from: vm(7), to: vm(7) },
        { from: vm(8), to: vm(9), confidence: 7 },
      ]);
      const answer = await call(
        'mutation($c: String!) { importDependencies(format: JSON, content: $c) { imported } }',
        { c: json },
        'agent',
      );
      expect(answer.errors![0]!.extensions.code).toBe('DEPENDENCY_IMPORT_INVALID');
      expect((answer.errors![0]!.extensions.problems as { line: number }[]).map((p) => p.line)).toEqual([
        2, 3, 4,
      ]);
      const after = await call('query($v: String) { estateSummary(vcenter: $v) { dependencies } }', {
        v: vcName,
      });
      expect(after.data).toEqual(before.data);
    });

    it('adds and removes one edge; maxDepth is bounded', async () => {
      const added = await call(
        'mutation($a: ID!, $b: ID!) { addDependency(from: $a, to: $b, reason: "nfs") { from to reason confidence source } }',
        { a: vm(6), b: vm(7) },
        'agent',
      );
      expect(added.data!.addDependency).toMatchObject({ reason: 'nfs', confidence: 1, source: 'api' });
      const self = await call(
        'mutation($a: ID!) { addDependency(from: $a, to: $a) { from } }',
        { a: vm(6) },
        'agent',
      );
      expect(self.errors![0]!.extensions.code).toBe('DEPENDENCY_SELF_LOOP');
      const removed = await call(
        'mutation($a: ID!, $b: ID!) { removeDependency(from: $a, to: $b) }',
        { a: vm(6), b: vm(7) },
        'agent',
      );
      expect(removed.data!.removeDependency).toBe(true);
      const deep = await call('{ dependencyClosure(vm: "x", maxDepth: 500) { truncated } }');
      expect(deep.errors![0]!.extensions.code).toBe('BAD_INPUT');
    });

    it('imports through the CLI: `ffo deps import`', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ffo-deps-'));
      const good = join(dir, 'deps.csv');
      // By display name (unique: this test created it) and by id.
      writeFileSync(good, `from,to\n${newVmName},${vm(9)}\n`);
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, `from,to\n${vm(8)},nobody-here\n`);
      const env = {
        ...process.env,
        FFO_CONFIG: '',
        NEO4J_URI: config.graph.uri,
        REDIS_URL: config.redisUrl,
      };
      const ok = await execa('node', ['bin/ffo.js', 'deps', 'import', good], { env, reject: false });
      expect(ok.exitCode).toBe(0);
      expect(JSON.parse(ok.stdout)).toEqual({ imported: 1, created: 1, updated: 0 });
      const refused = await execa('node', ['bin/ffo.js', 'deps', 'import', bad], { env, reject: false });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain('DEPENDENCY_IMPORT_INVALID');
      expect(refused.stderr).toContain('line 2: unknown VM "nobody-here"');
    });
  });

  it('refuses queries beyond the depth limit', async () => {
    const deep =
      '{ vms { host { vms { host { vms { host { vms { host { vms { host { vms { host { name } } } } } } } } } } } } }';
    const answer = await call(deep);
    expect(answer.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});
