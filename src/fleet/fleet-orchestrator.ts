import { hostname } from 'node:os';
import {
  EVENTS_CHANNEL,
  type MigrationEventBus,
  type MigrationEventMessage,
} from '../engine/migration-events.js';
import type { MigrationService } from '../engine/migration-service.js';
import { asFfoError, ErrorCode } from '../errors/index.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import type { CapacityGate } from './capacity-gate.js';
import type { FleetEventBus } from './fleet-events.js';
import { fleetProgress, inFlightSnapshots } from './fleet-progress.js';
import type { FleetStore } from './fleet-store.js';
import { IN_FLIGHT, SETTLED, type FleetItem, type FleetRecord } from './fleet-types.js';
import { planReleases, retryDelaySeconds } from './release-scheduler.js';

export interface OrchestratorSettings {
  /** Reconcile at least this often (retry back-offs, capacity re-checks, progress). */
  tickMs: number;
}

const TERMINAL_FLEET = ['completed', 'cancelled'];

/**
 * Drives one fleet to its end. All state is in the graph (items, fleet) and the engine's migrations, so this is a
 * reconcile loop: read, decide, act, and again on every migration event of the fleet, every wake-up (pause,
 * resume, cancel) and every tick. A restarted orchestrator (another worker taking over the BullMQ job) carries on
 * where the graph says the fleet is; a start it made but did not record is found again, never made twice.
 */
export class FleetOrchestrator {
  constructor(
    private readonly store: FleetStore,
    private readonly events: FleetEventBus,
    private readonly migrations: MigrationService,
    private readonly migrationEvents: MigrationEventBus,
    private readonly capacity: CapacityGate,
    private readonly pubsub: RedisPubSub,
    private readonly settings: OrchestratorSettings,
  ) {}

  /** Runs until the fleet is completed or cancelled (or the signal aborts: another process will carry on). */
  async run(fleetId: string, signal?: AbortSignal): Promise<string> {
    let wake: (() => void) | null = null;
    let pending = false;
    const poke = () => {
      pending = true;
      wake?.();
    };
    // Migrations of the fleet by id, and its VMs: an event of a migration started a moment ago can arrive
    // before its id is recorded on the item.
    const watched = new Set<string>();
    const fleetVms = new Set<string>();
    const migrationFeed = await this.pubsub.subscribe<MigrationEventMessage>(EVENTS_CHANNEL);
    const wakeFeed = await this.events.subscribeWake(fleetId);
    const stopFeeds = () => {
      void migrationFeed.return?.();
      void wakeFeed.return?.();
    };
    signal?.addEventListener('abort', () => {
      stopFeeds();
      poke();
    });
    void (async () => {
      for await (const e of migrationFeed) {
        if (watched.has(e.migrationId) || (e.vmId && fleetVms.has(e.vmId))) poke();
      }
    })().catch(() => undefined);
    void (async () => {
      for await (const _ of wakeFeed) poke();
    })().catch(() => undefined);

    await this.store.update(fleetId, { orchestrator: `${hostname()}:${process.pid}` });
    try {
      for (;;) {
        pending = false;
        const status = await this.reconcile(fleetId);
        for (const item of this.lastItems.get(fleetId) ?? []) {
          fleetVms.add(item.vmId);
          if (item.migrationId) watched.add(item.migrationId);
        }
        if (TERMINAL_FLEET.includes(status) || signal?.aborted) return status;
        if (!pending) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.settings.tickMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
        }
      }
    } finally {
      stopFeeds();
      this.lastItems.delete(fleetId);
    }
  }

  /** One pass: sync items from their migrations, apply the failure policy, release what the limits allow. */
  /** Per fleet, the items as its last reconcile left them (what its run loop watches); one worker runs many. */
  private readonly lastItems = new Map<string, FleetItem[]>();

  async reconcile(fleetId: string): Promise<string> {
    let fleet = await this.store.get(fleetId);
    let items = await this.store.items(fleetId);
    if (TERMINAL_FLEET.includes(fleet.status)) {
      this.lastItems.set(fleetId, items);
      return fleet.status;
    }

    for (const item of items) await this.sync(fleet, item);
    items = await this.store.items(fleetId);
    fleet = await this.store.get(fleetId);

    if (fleet.status === 'cancelling') {
      await this.cancelRest(items);
      items = await this.store.items(fleetId);
      if (!items.some((i) => IN_FLIGHT.includes(i.state))) {
        await this.store.update(fleetId, { status: 'cancelled' });
        // (only reached from cancelling, which nothing else leaves)
        await this.events.emit(fleetId, 'fleet.cancelled', 'warning', `fleet ${fleet.name} cancelled`);
      }
      return this.publish(fleetId);
    }

    if (fleet.status === 'running') {
      const candidates = items.filter(
        (i) => IN_FLIGHT.includes(i.state) || ['pending', 'held'].includes(i.state),
      );
      const wave = Math.min(...items.filter((i) => !SETTLED.includes(i.state)).map((i) => i.wave));
      const relevant = candidates.filter((i) => IN_FLIGHT.includes(i.state) || i.wave === wave);
      const view = () =>
        Number.isFinite(wave)
          ? this.capacity.view(fleetId, wave, fleet.options, relevant)
          : Promise.resolve(null);
      let plan = planReleases(items, fleet.options, await view());
      // Before holding a VM, look at the cloud again: the quota may have been raised since.
      if (plan.hold.length > 0 && (await this.capacity.refreshIfDue(fleet.options.cloud))) {
        plan = planReleases(items, fleet.options, await view());
      }
      if (plan.done) {
        if (!(await this.store.transition(fleetId, ['running'], 'completed', null)))
          return this.publish(fleetId);
        await this.store.update(fleetId, { currentWave: null });
        const c = countStates(items);
        await this.events.emit(
          fleetId,
          'fleet.completed',
          c.completed === items.length ? 'info' : 'warning',
          `fleet ${fleet.name} completed: ${summaryText(c)}`,
          { data: c },
        );
        return this.publish(fleetId);
      }
      if (plan.currentWave !== fleet.currentWave) {
        if (fleet.currentWave !== null) {
          await this.events.emit(fleetId, 'wave.finished', 'info', `wave ${fleet.currentWave} finished`, {
            wave: fleet.currentWave,
          });
        }
        await this.store.update(fleetId, { currentWave: plan.currentWave });
        const vms = items.filter((i) => i.wave === plan.currentWave).length;
        await this.events.emit(
          fleetId,
          'wave.started',
          'info',
          `wave ${plan.currentWave} started (${vms} VMs)`,
          {
            wave: plan.currentWave,
          },
        );
      }
      for (const { item, reason } of plan.hold) {
        if (item.state === 'held' && item.reason === reason) continue;
        await this.store.updateItem(item.id, { state: 'held', reason });
        await this.events.emit(fleetId, 'item.held', 'warning', `${item.vmName} held: ${reason}`, {
          vmName: item.vmName,
          wave: item.wave,
        });
      }
      for (const item of plan.release) await this.release(fleet, item);
    }
    return this.publish(fleetId);
  }

  /** Brings an item in flight up to date with its migration. */
  private async sync(fleet: FleetRecord, item: FleetItem): Promise<void> {
    if (item.state === 'releasing') {
      // Started (or not) by an orchestrator that died before recording it: find the migration, else start again.
      const found = item.migrationId
        ? { id: item.migrationId, status: item.migrationStatus ?? 'queued' }
        : await this.store.migrationSince(item.vmId, item.releasedAt ?? new Date(0).toISOString());
      if (found) {
        await this.store.updateItem(item.id, { state: 'running', migrationId: found.id });
        item = { ...item, state: 'running', migrationId: found.id, migrationStatus: found.status };
      } else {
        await this.store.updateItem(item.id, { state: 'pending' });
        return;
      }
    }
    if (item.state === 'retry_wait') {
      if (fleet.status !== 'running') return;
      if (item.nextAttemptAt && new Date(item.nextAttemptAt).getTime() > Date.now()) return;
      await this.retry(fleet, item);
      return;
    }
    if (item.state === 'running') {
      const status = item.migrationStatus;
      if (status === 'completed') {
        await this.store.updateItem(item.id, { state: 'completed', reason: null, finishedAt: now() });
        await this.events.emit(fleet.id, 'item.completed', 'info', `${item.vmName} migrated`, {
          vmName: item.vmName,
          wave: item.wave,
          data: { migrationId: item.migrationId },
        });
      } else if (
        fleet.status === 'cancelling' &&
        ['cancelled', 'rolled_back', 'failed'].includes(status ?? '')
      ) {
        await this.store.updateItem(item.id, { state: 'cancelled', reason: 'fleet cancelled' });
      } else if (status === 'failed' || status === 'cancelled' || status === 'rolled_back') {
        const why = `${item.errorCode ?? status}: ${item.errorMessage ?? `migration ${status}`}`;
        await this.onFailure(fleet, item, why);
      }
      return;
    }
    if (item.state === 'rolling_back') {
      const status = item.migrationStatus;
      if (status === 'rolled_back') {
        await this.store.updateItem(item.id, { state: 'rolled_back', finishedAt: now() });
        await this.events.emit(fleet.id, 'item.rolled_back', 'warning', `${item.vmName} rolled back`, {
          vmName: item.vmName,
          wave: item.wave,
        });
        await this.block(fleet, item, `${item.vmName} was rolled back`);
      } else if (status === 'failed') {
        // A rollback that failed leaves resources to look at: stop for a person.
        await this.store.updateItem(item.id, { state: 'failed', reason: 'rollback failed' });
        await this.pause(fleet, `rollback of ${item.vmName} failed`);
      }
    }
  }

  private async release(fleet: FleetRecord, item: FleetItem): Promise<void> {
    const releasedAt = now();
    await this.store.updateItem(item.id, { state: 'releasing', releasedAt, reason: null });
    try {
      const started = await this.migrations.start(item.vmId, fleet.options.cloud, fleet.options.migration);
      await this.store.updateItem(item.id, { state: 'running', migrationId: started.id });
      await this.events.emit(
        fleet.id,
        'item.released',
        'info',
        `${item.vmName} released (wave ${item.wave})`,
        {
          vmName: item.vmName,
          wave: item.wave,
          data: { migrationId: started.id, host: item.host, datastores: item.datastores },
        },
      );
    } catch (error) {
      const e = asFfoError(error);
      if (e.code === ErrorCode.MIGRATION_IN_PROGRESS && typeof e.details.migration === 'string') {
        // Someone (or an earlier orchestrator) started it: adopt that migration rather than make another.
        await this.store.updateItem(item.id, { state: 'running', migrationId: e.details.migration });
        return;
      }
      await this.store.updateItem(item.id, { state: 'running', migrationId: null });
      await this.onFailure(fleet, { ...item, migrationId: null }, `${e.code}: ${e.message}`);
    }
  }

  private async retry(fleet: FleetRecord, item: FleetItem): Promise<void> {
    const attempts = item.attempts + 1;
    await this.store.updateItem(item.id, { attempts, nextAttemptAt: null });
    if (!item.migrationId || item.migrationStatus === 'rolled_back' || item.migrationStatus === 'cancelled') {
      // Nothing to resume (refused at start, or undone): release it afresh.
      await this.store.updateItem(item.id, { state: 'pending', migrationId: null });
      return;
    }
    try {
      await this.migrations.retry(item.migrationId);
      await this.store.updateItem(item.id, { state: 'running' });
      await this.events.emit(fleet.id, 'item.retried', 'info', `${item.vmName}: attempt ${attempts + 1}`, {
        vmName: item.vmName,
        wave: item.wave,
        data: { migrationId: item.migrationId, attempt: attempts + 1 },
      });
    } catch (error) {
      const e = asFfoError(error);
      await this.store.updateItem(item.id, { state: 'running' });
      await this.onFailure(fleet, { ...item, attempts }, `${e.code}: ${e.message}`);
    }
  }

  /** The failure policy, applied once per failure. */
  private async onFailure(fleet: FleetRecord, item: FleetItem, why: string): Promise<void> {
    const policy = fleet.options.failurePolicy;
    await this.events.emit(fleet.id, 'item.failed', 'error', `${item.vmName} failed: ${why}`, {
      vmName: item.vmName,
      wave: item.wave,
      data: { migrationId: item.migrationId, policy, attempts: item.attempts },
    });
    if (policy === 'retry' && item.attempts < fleet.options.maxRetries) {
      const delay = retryDelaySeconds(fleet.options.retryBackoffSeconds, item.attempts + 1);
      const at = new Date(Date.now() + delay * 1000).toISOString();
      await this.store.updateItem(item.id, { state: 'retry_wait', reason: why, nextAttemptAt: at });
      await this.events.emit(
        fleet.id,
        'item.retry_scheduled',
        'warning',
        `${item.vmName}: retry ${item.attempts + 1} of ${fleet.options.maxRetries} in ${delay}s`,
        { vmName: item.vmName, wave: item.wave, data: { at, delaySeconds: delay } },
      );
      return;
    }
    if (policy === 'skip') {
      await this.store.updateItem(item.id, { state: 'skipped', reason: why, finishedAt: now() });
      await this.events.emit(fleet.id, 'item.skipped', 'warning', `${item.vmName} skipped: ${why}`, {
        vmName: item.vmName,
        wave: item.wave,
      });
      await this.block(fleet, item, `${item.vmName} failed and was skipped`);
      return;
    }
    if (policy === 'rollback') {
      if (item.migrationId && item.migrationStatus !== 'rolled_back') {
        try {
          await this.migrations.rollback(item.migrationId);
          await this.store.updateItem(item.id, { state: 'rolling_back', reason: why });
          return;
        } catch (error) {
          const e = asFfoError(error);
          await this.store.updateItem(item.id, { state: 'failed', reason: `${why}; rollback: ${e.message}` });
          await this.pause(fleet, `rollback of ${item.vmName} could not start: ${e.message}`);
          return;
        }
      }
      // Refused before anything was made: there is nothing to roll back.
      await this.store.updateItem(item.id, { state: 'rolled_back', reason: why, finishedAt: now() });
      await this.block(fleet, item, `${item.vmName} failed (nothing was created)`);
      return;
    }
    await this.store.updateItem(item.id, { state: 'failed', reason: why });
    await this.pause(
      fleet,
      policy === 'retry' ? `${item.vmName} failed after ${item.attempts} retries` : `${item.vmName} failed`,
    );
  }

  private async block(fleet: FleetRecord, item: FleetItem, reason: string): Promise<void> {
    const blocked = await this.store.blockDependents(fleet.id, item.vmId, reason);
    for (const vm of blocked) {
      await this.events.emit(fleet.id, 'item.blocked', 'warning', `${vm} blocked: ${reason}`, { vmName: vm });
    }
  }

  private async pause(fleet: FleetRecord, reason: string): Promise<void> {
    if (!(await this.store.transition(fleet.id, ['running'], 'paused', reason))) return;
    await this.events.emit(fleet.id, 'fleet.paused', 'warning', `fleet ${fleet.name} paused: ${reason}`);
  }

  private async cancelRest(items: FleetItem[]): Promise<void> {
    for (const item of items) {
      if (['pending', 'held', 'retry_wait', 'failed'].includes(item.state)) {
        await this.store.updateItem(item.id, { state: 'cancelled', reason: 'fleet cancelled' });
      } else if (item.state === 'running' && item.migrationId && item.migrationStatus !== 'cancelled') {
        if (!['queued', 'running'].includes(item.migrationStatus ?? '')) continue;
        await this.migrations.cancel(item.migrationId).catch(() => undefined);
      }
    }
  }

  private async publish(fleetId: string): Promise<string> {
    const fleet = await this.store.get(fleetId);
    const items = await this.store.items(fleetId);
    const progress = fleetProgress(fleet, items, await inFlightSnapshots(items, this.migrationEvents));
    await this.store.update(fleetId, {
      vms: progress.vms,
      bytesDone: progress.bytesDone,
      bytesTotal: progress.bytesTotal,
      rateBytesPerSecond: progress.rateBytesPerSecond,
      etaSeconds: progress.etaSeconds,
      counts: JSON.stringify(Object.fromEntries(progress.byState.map((c) => [c.key, c.count]))),
    });
    await this.events.progress(progress);
    this.lastItems.set(fleetId, items);
    return fleet.status;
  }
}

const now = () => new Date().toISOString();

function countStates(items: readonly FleetItem[]): Record<string, number> {
  const c: Record<string, number> = { completed: 0 };
  for (const i of items) c[i.state] = (c[i.state] ?? 0) + 1;
  return c;
}

function summaryText(c: Record<string, number>): string {
  return Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.replace('_', ' ')}`)
    .join(', ');
}
