import { fill, h } from './dom.js';
import { MigrationCard, type MigrationRecord } from './migration-card.js';
import { guardButton, type MonitorContext } from './monitor-context.js';
import { MIGRATION, MIGRATION_EVENTS, RECENT_MIGRATIONS, START_MIGRATION } from './queries.js';

interface MigrationEvent {
  id: string;
  migrationId: string;
  vmName: string;
  phase: string;
  level: string;
  kind: string;
  message: string;
}

const RECENT = 12;
// Per-chunk events are many and change nothing the record holds; progress shows the bytes.
const QUIET_KINDS = new Set(['chunk.copied', 'conversion.message']);
const REFRESH_DELAY_MS = 150;

/**
 * The migrations: a "Migrate" form for one VM and a live card per recent migration. New migrations appear from
 * the migrationEvents subscription (started here, by an agent, a fleet or the CLI); nothing is polled.
 */
export class MigrationPanel {
  readonly element = h('section', { class: 'panel', testid: 'migrations-panel' });
  private readonly cards = new Map<string, MigrationCard>();
  private readonly list = h('div', { class: 'cards', testid: 'migration-cards' });
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly vmInput = h('input', {
    testid: 'migrate-vm',
    placeholder: 'VM name or id',
    list: 'vm-names',
    'aria-label': 'VM to migrate',
  });
  private readonly modeSelect = h(
    'select',
    { testid: 'migrate-mode', 'aria-label': 'migration mode' },
    h('option', { value: 'WARM' }, 'warm (pre-copy while running, manual cutover)'),
    h('option', { value: 'COLD' }, 'cold (source powered off)'),
  );
  private unsubscribe: (() => void) | null = null;

  /** Called when a migration is seen that the page did not know (a fleet may have started it). */
  onUnknownMigration: () => void = () => undefined;

  constructor(private readonly ctx: MonitorContext) {
    const migrate = guardButton(this.ctx, h('button', { testid: 'migrate-button' }, 'Migrate'), () =>
      this.ctx.migrate(this.vmInput.value.trim(), this.modeSelect.value as 'COLD' | 'WARM'),
    );
    if (!this.ctx.session.canMutate) {
      this.vmInput.disabled = true;
      this.modeSelect.disabled = true;
    }
    fill(
      this.element,
      h('h2', {}, 'Migrations'),
      h('div', { class: 'launcher' }, this.vmInput, this.modeSelect, migrate),
      this.list,
    );
  }

  async load(): Promise<void> {
    this.unsubscribe ??= this.ctx.api.subscribe<{ migrationEvents: MigrationEvent }>(
      MIGRATION_EVENTS,
      {},
      ({ migrationEvents: e }) => this.onEvent(e),
      (error) => this.ctx.notify(`migration events: ${error.message}`, 'error'),
    );
    const { migrations } = await this.ctx.api.request<{ migrations: MigrationRecord[] }>(RECENT_MIGRATIONS, {
      limit: RECENT,
    });
    // Oldest first, each prepended: the newest ends on top.
    for (const m of [...migrations].reverse()) this.put(m);
  }

  async start(vm: string, mode: 'COLD' | 'WARM'): Promise<void> {
    if (!vm) throw new Error('name the VM to migrate');
    const { startMigration: job } = await this.ctx.api.request<{
      startMigration: { id: string; vmName: string };
    }>(START_MIGRATION, { vm, cloud: this.ctx.cloud, options: { mode, cutover: 'MANUAL' } });
    this.ctx.notify(`migration of ${job.vmName} queued`);
    await this.refresh(job.id);
  }

  private onEvent(e: MigrationEvent): void {
    const card = this.cards.get(e.migrationId);
    if (card) card.event(e.message, e.phase);
    else this.onUnknownMigration();
    if (card && QUIET_KINDS.has(e.kind)) return;
    // Events come in bursts; one read of the record after the burst is enough.
    const timer = this.pending.get(e.migrationId);
    if (timer) clearTimeout(timer);
    this.pending.set(
      e.migrationId,
      setTimeout(() => {
        this.pending.delete(e.migrationId);
        this.refresh(e.migrationId).catch((error: Error) => this.ctx.notify(error.message, 'error'));
      }, REFRESH_DELAY_MS),
    );
  }

  /** Reads one migration again (after its events) and updates or adds its card. */
  async refresh(id: string): Promise<void> {
    const { migrations } = await this.ctx.api.request<{ migrations: MigrationRecord[] }>(MIGRATION, { id });
    if (migrations[0]) this.put(migrations[0]);
  }

  /** After a reconnect: events may have been missed while the server was away. */
  async resync(): Promise<void> {
    await Promise.all([...this.cards.keys()].map((id) => this.refresh(id)));
    const { migrations } = await this.ctx.api.request<{ migrations: MigrationRecord[] }>(RECENT_MIGRATIONS, {
      limit: RECENT,
    });
    for (const m of [...migrations].reverse()) if (!this.cards.has(m.id)) this.put(m);
  }

  private put(record: MigrationRecord): void {
    const card = this.cards.get(record.id);
    if (card) {
      card.update(record);
      return;
    }
    const created = new MigrationCard(this.ctx, record);
    this.cards.set(record.id, created);
    this.list.prepend(created.element);
    // Keep the page light: drop the oldest finished cards beyond the recent ones.
    const finished = [...this.cards.values()].filter((c) => !c.inFlight);
    while (this.cards.size > RECENT * 2 && finished.length > 0) {
      const oldest = finished.shift()!;
      oldest.close();
      oldest.element.remove();
      this.cards.delete(oldest.id);
    }
  }

  close(): void {
    this.unsubscribe?.();
    for (const card of this.cards.values()) card.close();
    for (const timer of this.pending.values()) clearTimeout(timer);
  }
}
