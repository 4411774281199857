import { fill, h } from './dom.js';
import { bytes, duration, percent, rate } from './format.js';
import type { MonitorContext } from './monitor-context.js';
import {
  FLEET_EVENTS_SUBSCRIPTION,
  FLEET_PROGRESS_QUERY,
  FLEET_PROGRESS_SUBSCRIPTION,
  FLEETS,
} from './queries.js';

interface CountByKey {
  key: string;
  count: number;
}

interface FleetProgress {
  fleetId: string;
  name: string;
  status: string;
  statusReason: string | null;
  currentWave: number | null;
  waveCount: number;
  vms: number;
  byState: CountByKey[];
  bytesDone: number;
  bytesTotal: number;
  rateBytesPerSecond: number | null;
  etaSeconds: number | null;
  waves: {
    index: number;
    vms: number;
    byState: CountByKey[];
    bytesDone: number;
    bytesTotal: number;
    rateBytesPerSecond: number | null;
    etaSeconds: number | null;
  }[];
  held: { vm: string; reason: string }[];
  blocked: { vm: string; reason: string }[];
  done: boolean;
}

const SETTLED = new Set(['completed', 'failed', 'skipped', 'blocked', 'rolled_back', 'cancelled']);
const LIVE_FLEET = new Set(['running', 'paused', 'cancelling']);

const settled = (byState: CountByKey[]): number =>
  byState.filter((s) => SETTLED.has(s.key)).reduce((sum, s) => sum + s.count, 0);

/** Fleets: their waves side by side on a timeline, each with progress and ETA, live over fleetProgress. */
export class FleetPanel {
  readonly element = h('section', { class: 'panel', testid: 'fleet-panel' });
  private readonly list = h('div', { class: 'fleets' });
  private readonly rows = new Map<string, HTMLElement>();
  private readonly subscriptions = new Map<string, () => void>();
  private loading: Promise<void> | null = null;
  private readAgain = false;

  constructor(private readonly ctx: MonitorContext) {
    const reload = h('button', { class: 'secondary', testid: 'fleet-reload' }, 'Reload');
    reload.addEventListener('click', () => void this.load());
    fill(this.element, h('div', { class: 'panel-head' }, h('h2', {}, 'Fleets'), reload), this.list);
    // A fleet started elsewhere (CLI, MCP, another page) appears as soon as it emits its first event.
    ctx.api.subscribe<{ fleetEvents: { fleetId: string; kind: string } }>(
      FLEET_EVENTS_SUBSCRIPTION,
      {},
      ({ fleetEvents }) => {
        if (!this.rows.has(fleetEvents.fleetId)) void this.load().catch(() => undefined);
      },
      (error) => ctx.notify(`fleet events: ${error.message}`, 'error'),
    );
  }

  /** Reads the newest fleets; live ones are followed over the subscription, finished ones read once. */
  load(): Promise<void> {
    if (this.loading) {
      // A read already under way may have started before the fleet that asks existed: read once more after it.
      this.readAgain = true;
      return this.loading;
    }
    this.loading = this.read().finally(() => {
      this.loading = null;
      if (this.readAgain) {
        this.readAgain = false;
        void this.load().catch(() => undefined);
      }
    });
    return this.loading;
  }

  private async read(): Promise<void> {
    const { fleets } = await this.ctx.api.request<{ fleets: { id: string; name: string; status: string }[] }>(
      FLEETS,
    );
    if (fleets.length === 0 && this.rows.size === 0) {
      fill(this.list, h('p', { class: 'muted', testid: 'fleet-empty' }, 'No fleets yet.'));
      return;
    }
    for (const f of [...fleets].reverse()) {
      if (!this.rows.has(f.id)) {
        const row = h(
          'div',
          { class: 'fleet', testid: 'fleet', 'data-fleet-id': f.id },
          h('strong', {}, f.name),
        );
        this.rows.set(f.id, row);
        this.list.querySelector('[data-testid="fleet-empty"]')?.remove();
        this.list.prepend(row);
      }
      if (LIVE_FLEET.has(f.status)) {
        if (!this.subscriptions.has(f.id))
          this.subscriptions.set(
            f.id,
            this.ctx.api.subscribe<{ fleetProgress: FleetProgress }>(
              FLEET_PROGRESS_SUBSCRIPTION,
              { fleet: f.id },
              ({ fleetProgress }) => this.render(fleetProgress),
              (error) => this.ctx.notify(`fleet ${f.name}: ${error.message}`, 'error'),
            ),
          );
      } else {
        const { fleetProgress } = await this.ctx.api.request<{ fleetProgress: FleetProgress }>(
          FLEET_PROGRESS_QUERY,
          { fleet: f.id },
        );
        this.render(fleetProgress);
      }
    }
  }

  private render(p: FleetProgress): void {
    const row = this.rows.get(p.fleetId);
    if (!row) return;
    if (p.done) {
      this.subscriptions.get(p.fleetId)?.();
      this.subscriptions.delete(p.fleetId);
    }
    row.dataset.status = p.status;
    const totalVms = Math.max(
      1,
      p.waves.reduce((sum, w) => sum + Math.max(1, w.vms), 0),
    );
    fill(
      row,
      h(
        'header',
        {},
        h('strong', {}, p.name),
        h('span', { class: `pill fleet-${p.status}`, testid: 'fleet-status' }, p.status),
        h(
          'span',
          { class: 'muted' },
          ` ${settled(p.byState)}/${p.vms} VMs settled · ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)} · ${rate(p.rateBytesPerSecond)} · ETA ${duration(p.etaSeconds)}`,
        ),
      ),
      p.statusReason ? h('div', { class: 'muted' }, p.statusReason) : null,
      h(
        'div',
        { class: 'timeline', testid: 'fleet-timeline' },
        ...p.waves.map((w) => {
          const pct =
            w.bytesTotal > 0 ? percent(w.bytesDone, w.bytesTotal) : percent(settled(w.byState), w.vms);
          const current = p.currentWave === w.index;
          return h(
            'div',
            {
              class: `wave${current ? ' current' : ''}${settled(w.byState) === w.vms ? ' settled' : ''}`,
              testid: 'fleet-wave',
              'data-wave': w.index,
              'data-pct': pct,
              style: `flex-grow:${Math.max(1, w.vms) / totalVms}`,
              title: w.byState.map((s) => `${s.key}: ${s.count}`).join(', '),
            },
            h('div', { class: 'wave-fill', style: `width:${pct}%` }),
            h(
              'div',
              { class: 'wave-label' },
              `wave ${w.index} · ${w.vms} VMs · ${pct}%${current ? ` · ETA ${duration(w.etaSeconds)}` : ''}`,
            ),
          );
        }),
      ),
      p.held.length || p.blocked.length
        ? h(
            'ul',
            { class: 'plain' },
            ...p.held.slice(0, 5).map((n) => h('li', { class: 'warn' }, `held ${n.vm}: ${n.reason}`)),
            ...p.blocked.slice(0, 5).map((n) => h('li', { class: 'bad' }, `blocked ${n.vm}: ${n.reason}`)),
          )
        : null,
    );
  }

  close(): void {
    for (const stop of this.subscriptions.values()) stop();
  }
}
