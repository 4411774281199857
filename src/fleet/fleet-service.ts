import { randomUUID } from 'node:crypto';
import type { MigrationEventBus } from '../engine/migration-events.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { FleetQueue } from '../queue/fleet-queue.js';
import { chooseCloud } from '../services/target-cloud.js';
import type { FleetEventBus } from './fleet-events.js';
import { parseFleetOptions, type FleetOptionsInput } from './fleet-options.js';
import { fleetProgress, inFlightSnapshots, type FleetProgress } from './fleet-progress.js';
import type { FleetStore } from './fleet-store.js';
import type { FleetItem, FleetRecord } from './fleet-types.js';

/** startFleet / pauseFleet / resumeFleet / cancelFleet and fleet status: all state changes go through the graph. */
export class FleetService {
  constructor(
    private readonly store: FleetStore,
    private readonly events: FleetEventBus,
    private readonly migrationEvents: MigrationEventBus,
    private readonly queue: FleetQueue,
    private readonly clouds: () => string[],
  ) {}

  async start(
    planId: string,
    cloud: string | null | undefined,
    input: FleetOptionsInput,
  ): Promise<FleetRecord> {
    const target = chooseCloud(cloud, this.clouds(), 'a fleet');
    const options = parseFleetOptions(input, target);
    const plan = await this.store.planStatus(planId);
    if (!plan) throw new FfoError(ErrorCode.NOT_FOUND, `no wave plan "${planId}"`);
    if (plan.status !== 'draft') {
      throw new FfoError(
        ErrorCode.FLEET_STATE_INVALID,
        `plan ${planId} is ${plan.status}${plan.fleetId ? ` (fleet ${plan.fleetId}, ${plan.fleetStatus})` : ''}; plan again for a new version`,
        { details: { plan: planId, status: plan.status, fleet: plan.fleetId } },
      );
    }
    const fleetId = `fleet-${randomUUID().slice(0, 8)}`;
    const items = await this.store.create(fleetId, planId, options);
    if (items === null) {
      throw new FfoError(ErrorCode.FLEET_STATE_INVALID, `plan ${planId} was started meanwhile`);
    }
    const fleet = await this.store.get(fleetId);
    await this.events.emit(
      fleetId,
      'fleet.started',
      'info',
      `fleet ${fleet.name} started: ${items} VMs in ${fleet.waveCount} waves`,
      { data: { planId, options: { ...options, migration: undefined }, items } },
    );
    await this.queue.enqueue(fleetId);
    return fleet;
  }

  async pause(fleetId: string): Promise<FleetRecord> {
    return this.transition(fleetId, ['running'], 'paused', 'paused by request');
  }

  /** Resumes a paused fleet; its failed VMs are tried again right away. */
  async resume(fleetId: string): Promise<FleetRecord> {
    const fleet = await this.transition(fleetId, ['paused'], 'running', null);
    for (const item of await this.store.items(fleetId)) {
      if (item.state === 'failed') {
        await this.store.updateItem(item.id, {
          state: 'retry_wait',
          nextAttemptAt: new Date().toISOString(),
        });
      }
    }
    await this.events.wake(fleetId, 'resume');
    return fleet;
  }

  /** Stops releasing, cancels what is in flight (the engine removes what it made), marks the rest cancelled. */
  async cancel(fleetId: string): Promise<FleetRecord> {
    return this.transition(fleetId, ['running', 'paused'], 'cancelling', 'cancelled by request');
  }

  get(fleetId: string): Promise<FleetRecord> {
    return this.store.get(fleetId);
  }

  list(): Promise<FleetRecord[]> {
    return this.store.list();
  }

  items(fleetId: string): Promise<FleetItem[]> {
    return this.store.items(fleetId);
  }

  async progress(fleetId: string): Promise<FleetProgress> {
    const fleet = await this.store.get(fleetId);
    const items = await this.store.items(fleetId);
    return fleetProgress(fleet, items, await inFlightSnapshots(items, this.migrationEvents));
  }

  /**
   * The current state first, then the orchestrator's updates until the fleet ends. Subscribed before the state
   * is read, so no update falls between the two, and the orchestrator's last-published copy is not sent again.
   */
  async *progressEvents(fleetId: string, signal?: AbortSignal): AsyncGenerator<FleetProgress> {
    const live = await this.events.subscribeProgress(fleetId, signal);
    try {
      const first = await this.progress(fleetId);
      yield first;
      if (first.done) return;
      for await (const p of live) {
        yield p;
        if (p.done) return;
      }
    } finally {
      await live.return?.();
    }
  }

  /** Fleet events as they are emitted: of one fleet, or of all (so a client learns of a new fleet). */
  liveEvents(fleetId: string | null, signal?: AbortSignal) {
    return this.events.events(fleetId, signal);
  }

  eventLog(fleetId: string) {
    return this.store.events(fleetId);
  }

  private async transition(
    fleetId: string,
    from: string[],
    to: string,
    reason: string | null,
  ): Promise<FleetRecord> {
    const fleet = await this.store.get(fleetId);
    if (!from.includes(fleet.status)) {
      throw new FfoError(
        ErrorCode.FLEET_STATE_INVALID,
        `fleet ${fleetId} is ${fleet.status}; this needs it ${from.join(' or ')}`,
        { details: { status: fleet.status } },
      );
    }
    if (!(await this.store.transition(fleetId, from, to, reason))) {
      throw new FfoError(ErrorCode.FLEET_STATE_INVALID, `fleet ${fleetId} changed state meanwhile`);
    }
    await this.events.emit(
      fleetId,
      `fleet.${to === 'running' ? 'resumed' : to}`,
      to === 'running' ? 'info' : 'warning',
      `fleet ${fleet.name} ${to === 'running' ? 'resumed' : to}${reason ? `: ${reason}` : ''}`,
    );
    await this.events.wake(fleetId, to);
    return this.store.get(fleetId);
  }
}
