import { randomUUID } from 'node:crypto';
import type { GraphClient } from '../graph/graph-client.js';
import { observeFleetEvent } from '../observability/engine-observer.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import type { FleetProgress } from './fleet-progress.js';

export interface FleetEventMessage {
  id: string;
  fleetId: string;
  at: string;
  /** item.released, item.held, item.completed, item.failed, item.retry_scheduled, item.skipped, item.blocked,
   * item.rolled_back, wave.started, wave.finished, fleet.paused, fleet.resumed, fleet.completed, ... */
  kind: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  vmName: string | null;
  wave: number | null;
  data: Record<string, unknown> | null;
}

export const FLEET_EVENTS_CHANNEL = 'ffo:fleet-events';
export const fleetProgressChannel = (id: string): string => `ffo:fleet-progress:${id}`;
/** Wakes the orchestrator of a fleet (pause, resume, cancel were written to the graph first). */
export const fleetWakeChannel = (id: string): string => `ffo:fleet-wake:${id}`;
const progressKey = (id: string): string => `ffo:fleet-progress-last:${id}`;
const TTL_SECONDS = 7 * 24 * 3600;

/** Fleet events to the graph's log and pub/sub; fleet progress to pub/sub with a last-known copy. */
export class FleetEventBus {
  constructor(
    private readonly graph: GraphClient,
    private readonly pubsub: RedisPubSub,
  ) {}

  async emit(
    fleetId: string,
    kind: string,
    level: FleetEventMessage['level'],
    message: string,
    extra: { vmName?: string | null; wave?: number | null; data?: Record<string, unknown> | null } = {},
  ): Promise<FleetEventMessage> {
    const event: FleetEventMessage = {
      id: randomUUID(),
      fleetId,
      at: new Date().toISOString(),
      kind,
      level,
      message,
      vmName: extra.vmName ?? null,
      wave: extra.wave ?? null,
      data: extra.data ?? null,
    };
    await this.graph.write('fleet-event-add', {
      ...event,
      data: event.data === null ? null : JSON.stringify(event.data),
    });
    await this.pubsub.publish(FLEET_EVENTS_CHANNEL, event);
    observeFleetEvent(event);
    return event;
  }

  async progress(progress: FleetProgress): Promise<void> {
    await this.pubsub.redis.set(progressKey(progress.fleetId), JSON.stringify(progress), 'EX', TTL_SECONDS);
    await this.pubsub.publish(fleetProgressChannel(progress.fleetId), progress);
  }

  async lastProgress(id: string): Promise<FleetProgress | null> {
    const raw = await this.pubsub.redis.get(progressKey(id));
    return raw ? (JSON.parse(raw) as FleetProgress) : null;
  }

  async wake(fleetId: string, reason: string): Promise<void> {
    await this.pubsub.publish(fleetWakeChannel(fleetId), { reason });
  }

  subscribeWake(fleetId: string) {
    return this.pubsub.subscribe<{ reason: string }>(fleetWakeChannel(fleetId));
  }

  /** Live progress of one fleet from the moment this resolves (nothing replayed); `return()` unsubscribes. */
  async subscribeProgress(id: string, signal?: AbortSignal): Promise<AsyncIterableIterator<FleetProgress>> {
    const live = await this.pubsub.subscribe<FleetProgress>(fleetProgressChannel(id));
    signal?.addEventListener('abort', () => void live.return?.(), { once: true });
    return live;
  }

  /** Fleet progress: the last-known state first, then live updates until the fleet is done. */
  async *progressEvents(id: string, signal?: AbortSignal): AsyncGenerator<FleetProgress> {
    const live = await this.subscribeProgress(id, signal);
    try {
      const last = await this.lastProgress(id);
      if (last) {
        yield last;
        if (last.done) return;
      }
      for await (const p of live) {
        yield p;
        if (p.done) return;
      }
    } finally {
      await live.return?.();
    }
  }

  /** Live fleet events (all fleets or one). */
  async *events(fleetId: string | null, signal?: AbortSignal): AsyncGenerator<FleetEventMessage> {
    const live = await this.pubsub.subscribe<FleetEventMessage>(FLEET_EVENTS_CHANNEL);
    signal?.addEventListener('abort', () => void live.return?.(), { once: true });
    try {
      for await (const e of live) if (!fleetId || e.fleetId === fleetId) yield e;
    } finally {
      await live.return?.();
    }
  }
}
