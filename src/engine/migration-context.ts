import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cloudCredentials, vcenterCredentials, type AppConfig } from '../config/app-config.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { OpenStackClient } from '../providers/openstack/openstack-client.js';
import { VimClient } from '../providers/vsphere/vim-client.js';
import { VmOperations } from '../providers/vsphere/vm-operations.js';
import { openStackClientFor } from '../services/openstack-inventory-fetcher.js';
import { observeCopyRate } from '../observability/engine-observer.js';
import type { EngineSettings } from './engine-settings.js';
import type { EventLevel, MigrationEventBus } from './migration-events.js';
import type { MigrationStore } from './migration-store.js';
import type { MigrationRecord, MigrationResource, ResourceKind } from './migration-types.js';
import { ProgressTracker } from './progress-tracker.js';

/** Who can tell a running migration to cut over or stop (Redis pub/sub in workers). */
export interface ControlChannel {
  /** Resolves with the first control message, or 'timeout' after ms. */
  wait(ms: number, signal: AbortSignal): Promise<'cutover' | 'cancel' | 'sync' | 'timeout'>;
  close(): Promise<void>;
}

/**
 * Everything one run of one migration uses: the record (whose checkpoints it updates), connections opened on
 * demand and closed once, the event bus, and the abort signal that cancellation trips.
 */
export class MigrationContext {
  readonly workDir: string;
  private vimClient: VimClient | null = null;
  private vmOpsInstance: VmOperations | null = null;
  private openstackClient: OpenStackClient | null = null;
  private readonly tracker: ProgressTracker;
  private lastProgressAt = 0;

  constructor(
    readonly record: MigrationRecord,
    readonly store: MigrationStore,
    readonly bus: MigrationEventBus,
    readonly settings: EngineSettings,
    readonly config: AppConfig,
    readonly signal: AbortSignal,
    readonly control: ControlChannel,
  ) {
    this.workDir = join(settings.workDir, record.id);
    mkdirSync(this.workDir, { recursive: true, mode: 0o700 });
    this.tracker = new ProgressTracker(this.bytesTotal());
  }

  get plan() {
    return this.record.plan;
  }

  get checkpoints() {
    return this.record.checkpoints;
  }

  /** Short, deterministic prefix of every name this migration gives a resource. */
  get tag(): string {
    return `ffo-${this.record.id.slice(0, 8)}`;
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) {
      throw new FfoError(ErrorCode.MIGRATION_CANCELLED, `migration ${this.record.id} was cancelled`);
    }
  }

  async vim(): Promise<VimClient> {
    if (this.vimClient) return this.vimClient;
    const { endpoint, password, ca } = vcenterCredentials(this.config, this.plan.vm.vcenter);
    const client = new VimClient({
      url: endpoint.url,
      ...(ca ? { ca } : {}),
      insecure: endpoint.insecure,
    });
    await client.login(endpoint.username, password);
    this.vimClient = client;
    return client;
  }

  async vmOps(): Promise<VmOperations> {
    if (!this.vmOpsInstance) this.vmOpsInstance = new VmOperations(await this.vim());
    return this.vmOpsInstance;
  }

  /** The vCenter's CA file (for nbdkit's curl plugin) and whether TLS checks are off. */
  vcenterTls(): { caFile: string | null; insecure: boolean; url: string } {
    const { endpoint } = vcenterCredentials(this.config, this.plan.vm.vcenter);
    return { caFile: endpoint.caFile, insecure: endpoint.insecure, url: endpoint.url };
  }

  openstack(): OpenStackClient {
    if (!this.openstackClient) {
      this.openstackClient = openStackClientFor(cloudCredentials(this.config, this.plan.cloud));
    }
    return this.openstackClient;
  }

  async event(
    level: EventLevel,
    kind: string,
    message: string,
    data: Record<string, unknown> | null = null,
  ): Promise<void> {
    await this.bus.emit(
      { id: this.record.id, vmId: this.record.vmId, vmName: this.record.vmName },
      this.record.phase,
      level,
      kind,
      message,
      data,
    );
  }

  async saveCheckpoints(): Promise<void> {
    await this.store.saveCheckpoints(this.record.id, this.record.checkpoints);
  }

  private bytesTotal(): number {
    const disks = Object.values(this.record.checkpoints.disks);
    const inRound = disks.reduce((sum, d) => sum + (d.round?.bytesTotal ?? 0), 0);
    return inRound > 0 ? inRound : this.plan.disks.reduce((sum, d) => sum + d.capacityBytes, 0);
  }

  /** Publishes progress (throttled to ~4/s unless forced); per disk from the current round's checkpoints. */
  async progress(force = false, liveBytes: Map<number, number> = new Map()): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastProgressAt < 250) return;
    this.lastProgressAt = now;
    const disks = this.plan.disks.map((d) => {
      const cp = this.record.checkpoints.disks[String(d.key)];
      const round = cp?.round;
      const done = round ? round.bytesDone + (liveBytes.get(d.key) ?? 0) : cp?.changeId ? d.capacityBytes : 0;
      return {
        key: d.key,
        bytesDone: Math.min(done, round?.bytesTotal ?? d.capacityBytes),
        bytesTotal: round?.bytesTotal ?? d.capacityBytes,
      };
    });
    const bytesDone = disks.reduce((s, d) => s + d.bytesDone, 0);
    const bytesTotal = disks.reduce((s, d) => s + d.bytesTotal, 0);
    this.tracker.setTotal(bytesTotal);
    this.tracker.record(now, bytesDone);
    const status = this.record.status;
    const done = ['completed', 'failed', 'cancelled', 'rolled_back'].includes(status);
    observeCopyRate(this.record.id, this.record.vmName, this.tracker.rate(), done);
    await this.bus.progress({
      migrationId: this.record.id,
      status,
      phase: this.record.phase,
      round: this.record.checkpoints.round?.number ?? null,
      disks,
      bytesDone,
      bytesTotal,
      rateBytesPerSecond: this.tracker.rate(),
      etaSeconds: this.tracker.eta(),
      at: new Date(now).toISOString(),
      done,
    });
  }

  /**
   * Creates a resource at most once across retries: the intent is recorded first (deterministic name); `create`
   * makes it (the target helpers find an unrecorded one by name themselves); `find` is for a lookup of its own.
   * Returns the external id.
   */
  async ensureResource(
    kind: ResourceKind,
    key: string,
    name: string,
    system: 'openstack' | 'vsphere',
    create: () => Promise<string>,
    find: (() => Promise<string | null>) | null = null,
  ): Promise<string> {
    const resource: MigrationResource = await this.store.intent(this.record.id, kind, key, name, system);
    if (resource.state === 'created' && resource.externalId) return resource.externalId;
    const existing = find ? await find() : null;
    const externalId = existing ?? (await create());
    await this.store.resourceState(resource.id, 'created', externalId);
    return externalId;
  }

  async close(): Promise<void> {
    if (this.vimClient) {
      await this.vimClient.logout().catch(() => undefined);
      await this.vimClient.close().catch(() => undefined);
    }
    await this.openstackClient?.close().catch(() => undefined);
    await this.control.close().catch(() => undefined);
  }

  /** Scratch files of a finished migration (downloads can be large). */
  removeWorkDir(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
