import { fill, h } from './dom.js';
import { bytes, duration, percent, rate } from './format.js';
import { guardButton, type MonitorContext } from './monitor-context.js';
import {
  cardState,
  IN_FLIGHT,
  phaseText,
  sourceRunning as isSourceRunning,
  type CardState,
} from './card-state.js';
import { CANCEL, CUTOVER, MIGRATION_PROGRESS, RETRY, ROLLBACK, SYNC } from './queries.js';

export interface MigrationRecord {
  id: string;
  mode: string;
  phase: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  vmName: string | null;
  cloud: string | null;
  pipeline: string | null;
  cutoverMode: string | null;
  cutoverRequestedAt: string | null;
  flavorName: string | null;
  serverId: string | null;
  fixedIps: string[] | null;
  downtimeSeconds: number | null;
  bytesTotal: number | null;
  bytesTransferred: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorPhase: string | null;
  vm: { id: string }[];
}

export interface MigrationProgress {
  migrationId: string;
  status: string;
  phase: string;
  round: number | null;
  disks: { key: number; bytesDone: number; bytesTotal: number }[];
  bytesDone: number;
  bytesTotal: number;
  rateBytesPerSecond: number | null;
  etaSeconds: number | null;
  done: boolean;
}

/** One migration, live: state colour, phase, per-disk bars, bytes, rate and ETA, and what can be done next. */
export class MigrationCard {
  readonly element: HTMLElement;
  private progress: MigrationProgress | null = null;
  private lastMessage = '';
  private unsubscribe: (() => void) | null = null;
  private readonly body = h('div', { class: 'card-body' });

  constructor(
    private readonly ctx: MonitorContext,
    private record: MigrationRecord,
  ) {
    this.element = h(
      'article',
      { class: 'card', testid: 'migration-card', 'data-migration-id': record.id },
      this.body,
    );
    this.render();
    this.follow();
  }

  get id(): string {
    return this.record.id;
  }

  get inFlight(): boolean {
    return IN_FLIGHT.has(this.record.status);
  }

  update(record: MigrationRecord): void {
    const wasInFlight = this.inFlight;
    this.record = record;
    if (!wasInFlight && this.inFlight) this.follow(); // a retry or rollback started a new run
    this.render();
  }

  event(message: string, phase: string): void {
    this.lastMessage = message;
    if (this.inFlight && phase && phase !== this.record.phase && !this.progress?.done) {
      this.record = { ...this.record, phase };
    }
    this.render();
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Live per-disk progress for the run in flight; the server sends the last-known state first. */
  private follow(): void {
    if (!this.inFlight || this.unsubscribe) return;
    this.unsubscribe = this.ctx.api.subscribe<{ migrationProgress: MigrationProgress }>(
      MIGRATION_PROGRESS,
      { migration: this.record.id },
      ({ migrationProgress }) => {
        this.progress = migrationProgress;
        if (migrationProgress.done) {
          this.unsubscribe?.();
          this.unsubscribe = null;
        }
        this.render();
      },
      (error) => this.ctx.notify(`progress of ${this.record.vmName}: ${error.message}`, 'error'),
    );
  }

  private phase(): string {
    const p = this.progress;
    // Progress is newer than the record while the run is live; the record wins once the run has ended.
    if (p && !p.done && this.inFlight) return p.phase;
    return this.record.status === 'rolling_back' ? 'rollback' : this.record.phase;
  }

  private render(): void {
    const m = this.record;
    const phase = this.phase();
    const state = cardState(m, phase);
    const previous = this.element.dataset.state;
    this.element.dataset.state = state;
    this.element.dataset.phase = phase;
    this.element.dataset.status = m.status;
    this.element.className = `card state-${state}`;
    if (state === 'cutover' && previous !== 'cutover') {
      this.element.dataset.sawCutover = 'true';
    }
    const sourceRunning = isSourceRunning(m, phase);
    fill(
      this.body,
      h(
        'header',
        {},
        h('strong', { testid: 'migration-vm' }, m.vmName ?? m.vm[0]?.id ?? m.id),
        h(
          'span',
          { class: 'muted' },
          ` ${m.mode}${m.pipeline ? ` · ${m.pipeline}` : ''}${m.flavorName ? ` · ${m.flavorName}` : ''}`,
        ),
        h('span', { class: `pill ${state}`, testid: 'migration-status' }, m.status),
      ),
      h(
        'div',
        { class: `source ${sourceRunning ? 'ok' : 'off'}`, testid: 'source-state' },
        sourceRunning
          ? 'source running'
          : state === 'active'
            ? 'source stopped · target active'
            : 'source stopped',
      ),
      state === 'active' ? this.active() : null,
      state === 'failed' ? this.failure() : null,
      this.inFlight ? this.live(phase) : null,
      this.lastMessage && this.inFlight
        ? h('div', { class: 'muted last-event', testid: 'last-event' }, this.lastMessage)
        : null,
      this.actions(state),
    );
  }

  private live(phase: string): HTMLElement {
    const p = this.progress;
    return h(
      'div',
      { class: 'live' },
      h('div', { class: 'phase', testid: 'migration-phase' }, phaseText(phase, p?.round ?? null)),
      ...(p?.disks ?? []).map((d) => {
        const pct = percent(d.bytesDone, d.bytesTotal);
        return h(
          'div',
          {
            class: 'disk',
            testid: 'disk-progress',
            'data-key': d.key,
            'data-pct': pct,
            'data-bytes-done': d.bytesDone,
          },
          h('span', { class: 'disk-label' }, `disk ${d.key}`),
          h('div', { class: 'meter' }, h('div', { class: 'meter-used', style: `width:${pct}%` })),
          h('span', { class: 'disk-bytes' }, `${bytes(d.bytesDone)} / ${bytes(d.bytesTotal)}`),
        );
      }),
      p
        ? h(
            'div',
            { class: 'totals' },
            h('span', { testid: 'migration-bytes' }, `${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}`),
            ' · ',
            h('span', { testid: 'migration-rate' }, rate(p.rateBytesPerSecond)),
            ' · ETA ',
            h('span', { testid: 'migration-eta' }, duration(p.etaSeconds)),
          )
        : null,
    );
  }

  private active(): HTMLElement {
    const m = this.record;
    return h(
      'div',
      { class: 'result' },
      h('div', {}, 'server ', h('code', { testid: 'server-id' }, m.serverId ?? '–')),
      h('div', {}, 'IPs ', h('span', { testid: 'server-ips' }, (m.fixedIps ?? []).join(', ') || '–')),
      m.downtimeSeconds !== null
        ? h('div', { class: 'muted' }, `downtime ${duration(m.downtimeSeconds)}`)
        : null,
    );
  }

  private failure(): HTMLElement {
    const m = this.record;
    return h(
      'div',
      { class: 'error', testid: 'migration-error' },
      `${m.errorCode ?? 'FAILED'}${m.errorPhase ? ` in ${m.errorPhase}` : ''}: ${m.errorMessage ?? 'no message'}`,
    );
  }

  private actions(state: CardState): HTMLElement {
    const act = (testid: string, label: string, doc: string, cls = '') =>
      guardButton(this.ctx, h('button', { testid, class: cls }, label), async () => {
        await this.ctx.api.request(doc, { migration: this.record.id });
      });
    const buttons: HTMLButtonElement[] = [];
    const warmLive = this.record.mode === 'warm' && (state === 'running' || state === 'queued');
    if (warmLive)
      buttons.push(
        act('cutover-button', 'Cut over', CUTOVER, 'amber'),
        act('sync-button', 'Sync now', SYNC, 'secondary'),
      );
    if (state === 'running' || state === 'queued' || state === 'cutover')
      buttons.push(act('cancel-button', 'Cancel', CANCEL, 'secondary'));
    if (state === 'failed') buttons.push(act('retry-button', 'Retry', RETRY));
    if (state === 'failed' || state === 'active')
      buttons.push(act('rollback-button', 'Roll back', ROLLBACK, 'danger'));
    return h('div', { class: 'actions' }, ...buttons);
  }
}
