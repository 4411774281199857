// The Migration Monitor in Firefox: Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core (no browser
// download), against the real lab like the chromium test. It covers what that test does not: a migration that
// fails shows its red card with the error and Retry / Roll back, Retry brings it to green, Roll back ends it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Role } from '../../src/auth/roles.js';
import { findOurResources } from '../../src/engine/target/resource-reaper.js';
import { CLOUD, MiB, writeAt, type TestVm } from './support/engine-lab.js';
import { FleetLab } from './support/fleet-lab.js';
import { ensureWebBuilt, MonitorApi } from './support/monitor-api.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'monitor-firefox');
const FIREFOX = '/usr/bin/firefox-esr';
const SECRET = 'monitor-firefox-test-secret-0123456789';

const lab = new FleetLab();
const api = new MonitorApi(lab, SECRET);
let browser: Browser;
let worker: ChildProcess;
let vm: TestVm;
let migrationId: string | null = null;
let ended = false;
const pageErrors: string[] = [];

async function openPage(role: Role): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.on('pageerror', (error) => pageErrors.push(`${role}: ${String(error)}`));
  await page.goto(`${api.url}/?cloud=${CLOUD}`);
  await page.type('[data-testid="token-input"]', api.token(role));
  await page.click('[data-testid="sign-in-button"]');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]');
  return page;
}

/** Page-side source (the test's tsconfig has no DOM types): the id of the card showing this VM, once there. */
const cardOf = (name: string) =>
  `[...document.querySelectorAll('[data-testid="migration-card"]')].find((c) => c.querySelector('[data-testid="migration-vm"]')?.textContent === ${JSON.stringify(name)})?.getAttribute('data-migration-id')`;

const card = (id: string, more = '') => `[data-testid="migration-card"][data-migration-id="${id}"]${more}`;

const text = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el as unknown as { textContent: string | null }).textContent);

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`) as `${string}.png`, fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureWebBuilt();
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: run bash lab/browser/install-firefox.sh`);
  await lab.start();
  vm = await lab.createVm({ bootBytes: 8 * MiB });
  await writeAt(vm.flats[0]!, 0, 8 * MiB);
  await lab.discover(); // maps "VM Network" to net-app: the VM is ready to migrate
  await api.start();
  worker = await lab.startWorker();
  // A fresh temporary profile per launch; puppeteer's Firefox preferences turn off updates, telemetry and the
  // other background traffic, so the page's requests are the only ones.
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (migrationId && !ended && worker?.exitCode === null && worker.signalCode === null) {
    await lab.service.rollback(migrationId).catch(() => undefined);
    await lab.finished(migrationId, 'rollback').catch(() => undefined);
  }
  await api.close();
  await lab.stop();
}, 300_000);

describe('Migration Monitor in Firefox', () => {
  it('signs in, shows a failed migration red with its error, retries it to green from the page, rolls it back', async () => {
    const page = await openPage('agent');
    await expect(text(page, '[data-testid="session-role"]')).resolves.toMatch(/agent/);
    await page.waitForSelector('[data-testid="estate-overview"]');

    // The disk file vanishes (as when a datastore goes away): the copy fails after planning passed.
    const flat = vm.flats[0]!;
    await rename(flat, `${flat}.away`);
    await page.type('[data-testid="migrate-vm"]', vm.name);
    await page.select('[data-testid="migrate-mode"]', 'COLD');
    await page.click('[data-testid="migrate-button"]');
    const id = String(await (await page.waitForFunction(cardOf(vm.name), { timeout: 60_000 })).jsonValue());
    migrationId = id;
    await page.waitForSelector(card(id, '[data-state="failed"]'), { timeout: 180_000 });
    const record = await lab.store.get(id);
    expect(record.status).toBe('failed');
    const error = await text(page, card(id, ' [data-testid="migration-error"]'));
    expect(record.errorCode).toBeTruthy();
    expect(error).toContain(record.errorCode!);
    expect(error).toContain(record.errorMessage!);
    await expect(page.$eval(card(id), (el) => el.className)).resolves.toMatch(/\bstate-failed\b/);
    expect(await page.$(card(id, ' [data-testid="retry-button"]'))).not.toBeNull();
    expect(await page.$(card(id, ' [data-testid="rollback-button"]'))).not.toBeNull();
    await shot(page, '01-failed-red');

    // The file is back; Retry on the card carries the same migration on from its checkpoints to ACTIVE.
    await rename(`${flat}.away`, flat);
    await page.click(card(id, ' [data-testid="retry-button"]'));
    await page.waitForSelector(card(id, '[data-state="active"]'), { timeout: 300_000 });
    const done = await lab.store.get(id);
    expect(done.status).toBe('completed');
    await expect(text(page, card(id, ' [data-testid="server-id"]'))).resolves.toBe(
      done.checkpoints.server!.id,
    );
    await expect(text(page, card(id, ' [data-testid="server-ips"]'))).resolves.toMatch(/^10\.10\.100\.\d+/);
    await shot(page, '02-retried-green');

    // Roll back from the page: the card ends and the engine removes what it made in OpenStack.
    const rolledBack = lab.finished(id, 'rollback');
    await page.click(card(id, ' [data-testid="rollback-button"]'));
    expect(await rolledBack).toBe('rolled_back');
    ended = true;
    await page.waitForSelector(card(id, '[data-state="ended"]'), { timeout: 60_000 });
    const left = await findOurResources(lab.openstack, id);
    expect([left.servers, left.volumes, left.ports, left.images]).toEqual([[], [], [], []]);
    await shot(page, '03-rolled-back');
    expect(pageErrors).toEqual([]);
  }, 900_000);
});
