// The Migration Monitor in a real browser (Debian's chromium through playwright-core) against the real lab: the
// API server in this process with the routes `ffo serve` uses, a private vCenter simulator, the lab's OpenStack
// and `ffo worker` children. Everything the page shows arrives over /graphql and graphql-ws.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '../../src/auth/roles.js';
import { parseFleetOptions } from '../../src/fleet/fleet-options.js';
import { deleteEstate, generateEstate, writeEstate } from '../../src/fleet/synthetic-estate.js';
import { CLOUD, MiB, writeAt, type TestVm } from './support/engine-lab.js';
import { FleetLab } from './support/fleet-lab.js';
import { ensureWebBuilt, MonitorApi } from './support/monitor-api.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'monitor');
const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'monitor-browser-test-secret-0123456789';

const lab = new FleetLab();
const api = new MonitorApi(lab, SECRET);
let browser: Browser;
let worker: ChildProcess;
const contexts: BrowserContext[] = [];
const portGroup = `pg-app-${Math.random().toString(36).slice(2, 8)}`;
let vm: TestVm;
let migrationId: string | null = null;
const estatePrefix = `mon-${Math.random().toString(36).slice(2, 8)}`;
let estateWritten = false;
let rolledBack = false;

async function openPage(role: Role): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error (${role}): ${error.message}`));
  await page.goto(`${api.url}/?cloud=${CLOUD}`);
  await page.getByTestId('token-input').fill(api.token(role));
  await page.getByTestId('sign-in-button').click();
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
  return page;
}

/** In the page (the test's tsconfig has no DOM types, so it is passed as source): a card's first disk bar in %. */
const diskPct = `(id) => Number(document.querySelector('[data-migration-id="' + id + '"] [data-testid="disk-progress"]')?.getAttribute('data-pct'))`;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureWebBuilt();
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run bash lab/browser/install-chromium.sh`);
  await lab.start();
  // A distributed port group on VLAN 100 named like the lab's net-app: the mapper proposes net-app for it.
  await lab.govc(['dvs.portgroup.add', '-dvs', 'DVS0', '-vlan', '100', portGroup]);
  vm = await lab.createVm({ bootBytes: 24 * MiB, on: true, network: portGroup });
  // Real data all over the disk, so the (rate-limited) pre-copy takes a few seconds to watch.
  await writeAt(vm.flats[0]!, 0, 24 * MiB);
  await api.start();
  // Discovered after the port group was added, so the page finds it unmapped.
  await api.discovery.run(await api.discovery.createRun(lab.vcName), lab.vcName);
  worker = await lab.startWorker({
    FFO_TRANSFER_RATE_LIMIT: String(3 * MiB),
    FFO_COPY_CHUNK_BYTES: String(2 * MiB),
  });
  // launch() gives every run a fresh temporary profile of its own (a user-data dir it removes on close).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  if (migrationId && !rolledBack && worker?.exitCode === null && worker.signalCode === null) {
    await lab.service.rollback(migrationId).catch(() => undefined);
    await lab.finished(migrationId, 'rollback').catch(() => undefined);
  }
  if (worker) await lab.stopWorker(worker);
  await api.close();
  if (estateWritten) {
    await lab.graph.writeBatched('synthetic-fleet-delete', { prefix: estatePrefix });
    await deleteEstate(lab.graph, estatePrefix);
  }
  await lab.stop();
}, 300_000);

describe('Migration Monitor in chromium', () => {
  it('serves the page, its assets with their types, and nothing outside dist/web', async () => {
    const base = api.url;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    const js = await fetch(`${base}/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await js.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${base}/app.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/index.ts', '/web/src/main.ts'])
      expect((await fetch(`${base}${path}`)).status).toBe(404);
  });

  it('flags the unmapped network, confirms its proposal, migrates warm with live progress, survives a server restart, cuts over: amber then green', async () => {
    const page = await openPage('agent');
    await expect(page.getByTestId('session-role').textContent()).resolves.toMatch(/agent/);

    // Before any migration: the new port group is red and strands the test's VM.
    const gap = page.locator(`[data-testid="network-gap"][data-portgroup="${portGroup}"]`);
    await gap.waitFor();
    await expect(gap.getAttribute('class')).resolves.toMatch(/\bbad\b/);
    await expect(gap.getByTestId('stranded-vms').textContent()).resolves.toContain(vm.name);
    const proposal = gap.locator('[data-testid="proposal"][data-network="net-app"]');
    await proposal.waitFor();
    await shot(page, '01-unmapped-network');
    await proposal.getByTestId('confirm-proposal').click();
    const mapped = page.locator(`[data-testid="network-mapped"][data-portgroup="${portGroup}"]`);
    await mapped.waitFor();
    await expect(mapped.getByTestId('mapped-network').textContent()).resolves.toBe('net-app');
    expect(await gap.count()).toBe(0);
    await shot(page, '02-network-mapped');

    // The Layer 1 engine for one VM, warm.
    await page.getByTestId('migrate-vm').fill(vm.name);
    await page.getByTestId('migrate-mode').selectOption('WARM');
    await page.getByTestId('migrate-button').click();
    const card = page.locator('[data-testid="migration-card"]', {
      has: page.locator(`[data-testid="migration-vm"]:text-is("${vm.name}")`),
    });
    await card.waitFor();
    migrationId = await card.getAttribute('data-migration-id');
    expect(migrationId).toBeTruthy();

    // Pre-copy while the source runs: the disk bar moves (seen part-way, then further).
    const disk = card.getByTestId('disk-progress').first();
    await page.waitForFunction(
      `(${diskPct})(${JSON.stringify(migrationId)}) > 0 && (${diskPct})(${JSON.stringify(migrationId)}) < 100`,
      null,
      {
        timeout: 120_000,
      },
    );
    const firstPct = Number(await disk.getAttribute('data-pct'));
    await expect(card.getByTestId('migration-phase').textContent()).resolves.toBe('Pre-copying disks…');
    await expect(card.getByTestId('source-state').textContent()).resolves.toBe('source running');
    expect(await card.getAttribute('data-state')).toBe('running');
    await expect(card.getByTestId('migration-rate').textContent()).resolves.toMatch(/\/s$/);
    await shot(page, '03-precopy-progress');
    await page.waitForFunction(`(${diskPct})(${JSON.stringify(migrationId)}) > ${firstPct}`, null, {
      timeout: 120_000,
    });
    // Delta rounds follow the pre-copy; the source is still running.
    await page
      .locator(`[data-migration-id="${migrationId}"][data-phase="delta"]`)
      .waitFor({ timeout: 180_000 });
    expect(await card.getAttribute('data-state')).toBe('running');

    // The server restarts: the page reconnects by itself and its subscriptions come back.
    await api.close();
    await page.locator('[data-testid="connection-status"][data-state="reconnecting"]').waitFor();
    await api.start();
    await page
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ timeout: 60_000 });
    await shot(page, '04-reconnected');

    // Cutover: amber while the source stops and the last delta moves, then green with server and IPs.
    const amber = page
      .locator(`[data-migration-id="${migrationId}"][data-state="cutover"]`)
      .waitFor({ timeout: 120_000 });
    await card.getByTestId('cutover-button').click();
    await amber;
    await shot(page, '05-cutover-amber');
    await page
      .locator(`[data-migration-id="${migrationId}"][data-state="active"]`)
      .waitFor({ timeout: 300_000 });
    const record = await lab.store.get(migrationId!);
    expect(record.status).toBe('completed');
    await expect(card.getByTestId('server-id').textContent()).resolves.toBe(record.checkpoints.server!.id);
    await expect(card.getByTestId('server-ips').textContent()).resolves.toMatch(/^10\.10\.100\.\d+/);
    expect(await card.getAttribute('data-saw-cutover')).toBe('true');
    await shot(page, '06-active-green');

    // The dependency graph shows the VM; clicking it opens its details with the migration in its history.
    await page.getByTestId('graph-filter-app').fill(vm.name);
    await page.getByTestId('graph-apply').click();
    await page.locator(`[data-testid="graph-vm"][data-vm="${vm.name}"]`).click();
    const details = page.getByTestId('vm-details');
    await details.locator('[data-testid="vm-details-name"]').filter({ hasText: vm.name }).waitFor();
    await expect(details.getByTestId('vm-flavor').textContent()).resolves.not.toMatch(/no flavor fits/);
    await expect(details.getByTestId('vm-history').textContent()).resolves.toMatch(/warm completed/);
    await shot(page, '07-vm-details');
  }, 900_000);

  it('an analyst sees everything but every mutating button is disabled', async () => {
    const page = await openPage('analyst');
    await page.getByTestId('read-only-banner').waitFor();
    await expect(page.getByTestId('migrate-button').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('migrate-vm').isDisabled()).resolves.toBe(true);
    const card = page.locator(`[data-testid="migration-card"][data-migration-id="${migrationId}"]`);
    await card.waitFor();
    expect(await card.getAttribute('data-state')).toBe('active');
    await expect(card.getByTestId('rollback-button').isDisabled()).resolves.toBe(true);
    await expect(card.getByTestId('rollback-button').getAttribute('title')).resolves.toMatch(/agent role/);
    for (const button of await page
      .locator('[data-testid="confirm-proposal"], [data-testid="map-network"]')
      .all())
      await expect(button.isDisabled()).resolves.toBe(true);
    await shot(page, '08-analyst-read-only');
  }, 300_000);

  it("draws the dependency graph coloured by wave with move groups outlined, and a fleet's waves on a live timeline", async () => {
    // The migrated VM is done with: its rollback needs the worker, which must then stop, because the fleet below
    // is created without its orchestrator (this test plays the orchestrator's part on pub/sub).
    if (migrationId) {
      await lab.service.rollback(migrationId);
      expect(await lab.finished(migrationId, 'rollback')).toBe('rolled_back');
      rolledBack = true;
    }
    await lab.stopWorker(worker);
    const spec = {
      prefix: estatePrefix,
      vms: 8,
      edges: 8,
      tiers: 3,
      cycles: 1,
      hosts: 1,
      datastores: 1,
      seed: 7,
    };
    const estate = generateEstate(spec);
    await writeEstate(lab.graph, spec, estate);
    estateWritten = true;
    const plan = await lab.planner.plan(
      estatePrefix,
      { cluster: `${estatePrefix}-cluster` },
      { maxVmsPerWave: 3 },
    );
    expect(plan.waveCount).toBeGreaterThan(1);
    const fleetId = `${estatePrefix}-fleet`;
    expect(await lab.fleetStore.create(fleetId, plan.id, parseFleetOptions({}, CLOUD))).toBe(8);

    const page = await openPage('agent');
    await page.getByTestId('graph-plan').selectOption(plan.id);
    await page.getByTestId('graph-filter-app').fill(estatePrefix);
    await page.getByTestId('graph-apply').click();
    const nodes = page.locator('[data-testid="graph-vm"]');
    await page.locator(`[data-testid="graph-vm"][data-vm="${estate.vms[0]!.name}"]`).waitFor();
    expect(await nodes.count()).toBe(8);
    // Every VM has its wave from the plan, and the colours follow the waves.
    const waveOf = new Map<string, number>();
    for (const w of plan.waves) for (const name of w.vms) waveOf.set(name, w.index);
    for (const node of await nodes.all()) {
      const name = (await node.getAttribute('data-vm'))!;
      expect(await node.getAttribute('data-wave')).toBe(String(waveOf.get(name)));
    }
    const fills = new Map<string, string>();
    for (const node of await nodes.all())
      fills.set((await node.getAttribute('data-wave'))!, (await node.locator('rect').getAttribute('fill'))!);
    expect(new Set(fills.values()).size).toBe(fills.size);
    expect(await page.getByTestId('graph-edge').count()).toBe(estate.edges.length);
    expect(await page.getByTestId('move-group').count()).toBe(plan.moveGroups.length);
    expect(plan.moveGroups.length).toBeGreaterThan(0);
    await shot(page, '09-dependency-graph');

    // The fleet: its waves side by side, the current state first, then what the orchestrator publishes.
    const fleet = page.locator(`[data-testid="fleet"][data-fleet-id="${fleetId}"]`);
    await fleet.locator('[data-testid="fleet-wave"]').first().waitFor();
    expect(await fleet.getByTestId('fleet-wave').count()).toBe(plan.waveCount);
    await expect(fleet.getByTestId('fleet-status').textContent()).resolves.toBe('running');
    const before = await lab.fleets.progress(fleetId);
    const first = before.waves[0]!;
    await lab.fleetEvents.progress({
      ...before,
      currentWave: first.index,
      bytesDone: 50 * MiB,
      bytesTotal: 200 * MiB,
      rateBytesPerSecond: 5 * MiB,
      etaSeconds: 30,
      waves: before.waves.map((w) =>
        w.index === first.index ? { ...w, bytesDone: 50 * MiB, bytesTotal: 100 * MiB, etaSeconds: 10 } : w,
      ),
    });
    await fleet.locator(`[data-testid="fleet-wave"][data-wave="${first.index}"][data-pct="50"]`).waitFor();
    await expect(fleet.locator('[data-testid="fleet-wave"].current').textContent()).resolves.toMatch(
      /ETA 10s/,
    );
    await shot(page, '10-fleet-timeline');
    await lab.fleetEvents.progress({ ...before, status: 'cancelled', done: true });
    await fleet.locator('[data-testid="fleet-status"]:text-is("cancelled")').waitFor();
  }, 300_000);
});
