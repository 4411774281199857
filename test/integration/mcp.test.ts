// MCP end to end with the SDK's own client: over Streamable HTTP against the real API server (the app's routes)
// and over stdio against `bin/ffo.js mcp` children; warm migrations by the Layer 1 engine in `ffo worker`
// children, a private vCenter simulator and the lab's real OpenStack.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { execa } from 'execa';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { findOurResources } from '../../src/engine/target/resource-reaper.js';
import { MiB, type TestVm } from './support/engine-lab.js';
import { McpLab, type ToolCall } from './support/mcp-lab.js';

const lab = new McpLab();

beforeAll(async () => {
  await lab.start();
  // Fleets reconcile every second here (they also wake on their migrations' events).
  await lab.startWorker({ FFO_FLEET_TICK_MS: '1000', FFO_FLEET_CAPACITY_REFRESH_MS: '1000' });
}, 240_000);

afterAll(async () => {
  await lab.stop();
}, 120_000);

const errorCode = (call: ToolCall): string | undefined =>
  (call.structured.error as { code?: string } | undefined)?.code;

async function vmId(name: string): Promise<string> {
  const [id] = await lab.planning.vmIds([name]);
  return id!;
}

/** A running VM with a tiny disk on the mapped port group, discovered into the twin. */
async function readyVm(): Promise<TestVm> {
  const vm = await lab.createVm({ bootBytes: 16 * MiB, on: true });
  await lab.discover();
  return vm;
}

/** list → readiness → refusals → migrate (warm) → status → cutover → completed, then rolled back. */
async function migrateWarm(client: Client, analyst: Client, vm: TestVm, followStart: boolean): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(
    expect.arrayContaining([
      'vmware_migrate_vm',
      'twin_migration_readiness',
      'twin_cutover',
      'openstack_list_ports',
    ]),
  );

  const readiness = await lab.call(client, 'twin_migration_readiness', { vms: [vm.name] });
  expect(readiness.result.isError).toBeFalsy();
  const [verdict] = readiness.structured.vms as { vmName: string; ready: boolean }[];
  expect(verdict).toMatchObject({ vmName: vm.name, ready: true });

  // Refusals come before anything exists: a role too low, options that do not combine, options out of range.
  const forbidden = await lab.call(analyst, 'vmware_migrate_vm', { vm: vm.name, mode: 'warm' });
  expect([forbidden.result.isError, errorCode(forbidden)]).toEqual([true, ErrorCode.FORBIDDEN]);
  const combined = await lab.call(client, 'vmware_migrate_vm', {
    vm: vm.name,
    mode: 'warm',
    pipeline: 'http',
  });
  expect([combined.result.isError, errorCode(combined)]).toEqual([true, ErrorCode.BAD_INPUT]);
  const range = await lab.call(client, 'vmware_migrate_vm', { vm: vm.name, deltaIntervalSeconds: 0 });
  expect(errorCode(range)).toBe(ErrorCode.BAD_INPUT);
  expect(await lab.store.activeFor(await vmId(vm.name))).toBeNull();

  const options = { vm: vm.name, mode: 'warm', deltaIntervalSeconds: 3600, conversion: 'none' };
  const started = await lab.call(client, 'vmware_migrate_vm', options, followStart);
  expect(started.result.isError).toBeFalsy();
  const id = (started.structured.migration as { id: string }).id;
  if (followStart) {
    // The call stayed open with progress until the warm migration waited for its cutover.
    expect(started.structured.stablePoint).toBe('waiting_for_cutover');
    expect(started.progress.length).toBeGreaterThan(2);
    expect(started.progress.map((p) => p.message).join('\n')).toMatch(/precopy/);
    const steps = started.progress.map((p) => p.progress);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  } else {
    // Returned at once; the engine runs on in the worker.
    expect(started.structured.followed).toBe(false);
    expect(started.progress).toEqual([]);
    await lab.event((e) => e.migrationId === id && e.kind === 'round.finished' && e.data?.kind === 'delta');
  }

  const status = await lab.call(client, 'twin_migration_status', { migration: id });
  expect(status.structured).toMatchObject({
    id,
    status: 'running',
    phase: 'delta',
    stablePoint: 'waiting_for_cutover',
  });
  expect(await lab.govc(['vm.info', vm.name])).toMatch(/poweredOn/);

  const refusedCutover = await lab.call(analyst, 'twin_cutover', { migration: id });
  expect(errorCode(refusedCutover)).toBe(ErrorCode.FORBIDDEN);

  const cutover = await lab.call(client, 'twin_cutover', { migration: id }, true);
  expect(cutover.result.isError).toBeFalsy();
  expect(cutover.structured.migration).toMatchObject({ id, status: 'completed', stablePoint: 'completed' });
  expect(cutover.progress.map((p) => p.message).join('\n')).toMatch(/cutover/);
  const record = await lab.store.get(id);
  expect(record.status).toBe('completed');

  // The target side as the OpenStack tools see it: the NIC's MAC on the server's port.
  const ports = await lab.call(client, 'openstack_list_ports', { macAddress: vm.mac });
  const [port] = (ports.structured as { items: { id: string; deviceId: string }[] }).items;
  expect(port?.deviceId).toBe(record.checkpoints.server!.id);
  const server = await lab.call(client, 'openstack_get_server', { server: record.checkpoints.server!.id });
  expect((server.structured.server as { status: string }).status).toBe('ACTIVE');

  const rolledBack = await lab.call(client, 'twin_rollback_migration', { migration: id }, true);
  expect(rolledBack.structured.migration).toMatchObject({ status: 'rolled_back' });
  const left = await findOurResources(lab.openstack, id);
  expect([left.servers, left.volumes, left.ports]).toEqual([[], [], []]);
}

describe('MCP over Streamable HTTP at /mcp on the API server', () => {
  it('refuses a request without a valid bearer token with 401 and a JSON error', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt']) {
      const response = await fetch(lab.mcpUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        ErrorCode.UNAUTHENTICATED,
      );
    }
  });

  it('reads the twin and vCenter, then migrates warm with progress, cuts over and completes', async () => {
    const vm = await readyVm();
    const agent = await lab.httpClient('agent');
    const analyst = await lab.httpClient('analyst');

    const details = await lab.call(analyst, 'vmware_get_vm', { vm: vm.name });
    const twinVm = details.structured.vm as {
      name: string;
      nics: { macAddress: string; portGroup: { mappedTo: unknown[] }[] }[];
    };
    expect(twinVm.name).toBe(vm.name);
    expect(twinVm.nics[0]!.macAddress.toLowerCase()).toBe(vm.mac);
    expect(twinVm.nics[0]!.portGroup[0]!.mappedTo).toHaveLength(1);
    const listed = await lab.call(analyst, 'vmware_list_vms', { vcenter: lab.vcName, nameContains: vm.name });
    expect((listed.structured.vms as { name: string }[]).map((v) => v.name)).toEqual([vm.name]);
    const snapshots = await lab.call(analyst, 'vmware_list_snapshots', { vm: vm.name });
    expect(snapshots.structured).toMatchObject({ powerState: 'poweredOn', snapshots: [] });
    const capacity = await lab.call(analyst, 'openstack_hypervisor_capacity', {});
    expect(capacity.structured.vcpus).toEqual(expect.any(Number));

    await migrateWarm(agent, analyst, vm, true);
  }, 600_000);
  it('plans waves and runs a fleet, followed with progress until it is done', async () => {
    const vm = await lab.createVm({ bootBytes: 8 * MiB });
    await lab.discover();
    const agent = await lab.httpClient('agent');
    const analyst = await lab.httpClient('analyst');
    const plan = await lab.call(agent, 'twin_plan_waves', { name: `mcp-${lab.prefix}`, vms: [vm.name] });
    expect(plan.structured).toMatchObject({ status: 'draft', vmCount: 1, waveCount: 1 });
    const planId = plan.structured.id as string;
    expect(errorCode(await lab.call(analyst, 'twin_start_fleet', { plan: planId }))).toBe(
      ErrorCode.FORBIDDEN,
    );
    const badFleet = await lab.call(agent, 'twin_start_fleet', { plan: planId, failurePolicy: 'panic' });
    expect(errorCode(badFleet)).toBe(ErrorCode.BAD_INPUT);

    const fleet = await lab.call(agent, 'twin_start_fleet', { plan: planId, conversion: 'none' }, true);
    expect(fleet.result.isError).toBeFalsy();
    const fleetId = (fleet.structured.fleet as { id: string }).id;
    expect(fleet.structured.progress).toMatchObject({ fleetId, status: 'completed', done: true });
    expect(fleet.progress.length).toBeGreaterThan(1);
    expect(fleet.progress.at(-1)!.message).toMatch(/completed.*1\/1 VMs done/);

    const status = await lab.call(analyst, 'twin_fleet_status', { fleet: fleetId });
    expect(status.structured.progress).toMatchObject({ status: 'completed', vms: 1 });
    const paused = await lab.call(agent, 'twin_pause_fleet', { fleet: fleetId });
    expect(errorCode(paused)).toBe(ErrorCode.FLEET_STATE_INVALID);

    const [item] = await lab.runtime.fleets.items(fleetId);
    const rolledBack = await lab.call(
      agent,
      'twin_rollback_migration',
      { migration: item!.migrationId },
      true,
    );
    expect(rolledBack.structured.migration).toMatchObject({ status: 'rolled_back' });
  }, 600_000);
});

describe('MCP over stdio (ffo mcp)', () => {
  it('refuses to start without a valid FFO_TOKEN', async () => {
    const run = await execa(process.execPath, ['bin/ffo.js', 'mcp'], {
      env: { ...lab.env(), FFO_TOKEN: '' },
      input: '',
      reject: false,
      timeout: 60_000,
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/UNAUTHENTICATED/);
  }, 90_000);

  it('migrates warm from a child process: the id at once, status, cutover, completed', async () => {
    const vm = await readyVm();
    const agent = await lab.stdioClient('agent');
    const analyst = await lab.stdioClient('analyst');
    await migrateWarm(agent, analyst, vm, false);
  }, 600_000);

  it('never shows a secret in any tool output', () => {
    expect(lab.outputs.length).toBeGreaterThan(10);
    const secrets = [lab.vcsim.password, process.env.OS_PASSWORD, process.env.FFO_JWT_SECRET].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    for (const secret of secrets) expect(lab.outputs.filter((o) => o.includes(secret))).toEqual([]);
  });
});
