import { randomUUID } from 'node:crypto';
import { type AppConfig, vcenterCredentials } from '../config/app-config.js';
import { ErrorCode, FfoError, isFfoError } from '../errors/index.js';
import { type DiscoveryCounts, redactUrl, writeInventory } from '../graph/discovery-writer.js';
import type { GraphClient } from '../graph/graph-client.js';
import type { Inventory } from '../providers/vsphere/inventory-types.js';
import type { RedisPubSub } from '../pubsub/redis-pubsub.js';
import { type DiscoveryProgress, publishDiscoveryProgress } from './discovery-progress.js';

/** Reads one vCenter's inventory with resolved credentials; implemented over our SOAP client. */
export type InventoryFetcher = (connection: {
  url: string;
  username: string;
  password: string;
  ca: string | null;
  insecure: boolean;
}) => Promise<Inventory>;

const LOCK_TTL_MS = 30 * 60 * 1000;
const discoveryLockKey = (vcenterName: string): string => `ffo:lock:discovery:${vcenterName}`;
/** Deletes the lock only when this run still owns it (it may have expired and been taken over). */
const RELEASE_IF_OWNER =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

export interface DiscoveryResult extends DiscoveryCounts {
  runId: string;
  vcenterId: string;
  durationMs: number;
}

export class SourceDiscovery {
  private published: Promise<void> = Promise.resolve();

  constructor(
    private readonly graph: GraphClient,
    private readonly pubsub: RedisPubSub,
    private readonly config: AppConfig,
    private readonly fetchInventory: InventoryFetcher,
  ) {}

  /** Validates the vCenter name and its credentials, then records a queued run. Nothing else is touched. */
  async createRun(vcenterName: string): Promise<string> {
    vcenterCredentials(this.config, vcenterName);
    const runId = randomUUID();
    await this.graph.write('discovery-run-start', {
      runId,
      vcenterName,
      status: 'queued',
      startedAt: new Date().toISOString(),
    });
    await this.progress({
      runId,
      phase: 'queued',
      vmsTotal: null,
      vmsWritten: 0,
      message: null,
      done: false,
      errorCode: null,
    });
    return runId;
  }

  /** Runs one discovery to the end; progress goes to Redis pub/sub, the outcome to the DiscoveryRun node. */
  async run(runId: string, vcenterName: string): Promise<DiscoveryResult> {
    const started = Date.now();
    const { endpoint, password, ca } = vcenterCredentials(this.config, vcenterName);
    await this.graph.write('discovery-run-start', {
      runId,
      vcenterName,
      status: 'running',
      startedAt: new Date(started).toISOString(),
    });
    const base = { runId, vmsTotal: null, vmsWritten: 0, message: null, done: false, errorCode: null };
    let vcenterId: string | null = null;
    const lock = discoveryLockKey(vcenterName);
    let locked = false;
    try {
      // One discovery per vCenter at a time (two workers could pick up two runs): the loser is retried later.
      locked = (await this.pubsub.redis.set(lock, runId, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
      if (!locked) {
        throw new FfoError(
          ErrorCode.DISCOVERY_IN_PROGRESS,
          `another discovery of "${vcenterName}" is running`,
          {
            retryable: true,
            details: { vcenter: vcenterName },
          },
        );
      }
      await this.progress({ ...base, phase: 'connecting', message: redactUrl(endpoint.url) });
      const inventory = await this.fetchInventory({
        url: endpoint.url,
        username: endpoint.username,
        password,
        ca,
        insecure: endpoint.insecure,
      });
      vcenterId = inventory.about.instanceUuid;
      await this.progress({
        ...base,
        phase: 'reading',
        vmsTotal: inventory.vms.length,
        message: 'inventory read',
      });
      let lastPublished = 0;
      const counts = await writeInventory(this.graph, endpoint, inventory, runId, (p) => {
        // Not awaited per batch (the chain keeps order); the final event below is awaited.
        if (p.vmsWritten !== lastPublished || p.phase === 'removing') {
          lastPublished = p.vmsWritten;
          void this.progress({ ...base, phase: p.phase, vmsTotal: p.vmsTotal, vmsWritten: p.vmsWritten });
        }
      });
      const durationMs = Date.now() - started;
      await this.finish(runId, vcenterId, 'succeeded', durationMs, counts, null);
      await this.progress({
        ...base,
        phase: 'done',
        vmsTotal: counts.vmsTotal,
        vmsWritten: counts.vmsTotal,
        message: `${counts.vmsAdded} added, ${counts.vmsUpdated} updated, ${counts.vmsUnchanged} unchanged, ${counts.vmsRemoved} removed`,
        done: true,
      });
      return { runId, vcenterId, durationMs, ...counts };
    } catch (cause) {
      const error = isFfoError(cause)
        ? cause
        : new FfoError(ErrorCode.DISCOVERY_FAILED, `discovery failed: ${String(cause)}`, { cause });
      await this.finish(runId, vcenterId, 'failed', Date.now() - started, null, error).catch(() => undefined);
      await this.progress({
        ...base,
        phase: 'failed',
        message: error.message,
        done: true,
        errorCode: error.code,
      }).catch(() => undefined);
      throw error;
    } finally {
      if (locked) await this.pubsub.redis.eval(RELEASE_IF_OWNER, 1, lock, runId).catch(() => undefined);
    }
  }

  private async finish(
    runId: string,
    vcenterId: string | null,
    status: 'succeeded' | 'failed',
    durationMs: number,
    counts: DiscoveryCounts | null,
    error: FfoError | null,
  ): Promise<void> {
    await this.graph.write('discovery-run-finish', {
      runId,
      vcenterId,
      status,
      finishedAt: new Date().toISOString(),
      durationMs,
      vmsTotal: counts?.vmsTotal ?? null,
      vmsAdded: counts?.vmsAdded ?? null,
      vmsUpdated: counts?.vmsUpdated ?? null,
      vmsUnchanged: counts?.vmsUnchanged ?? null,
      vmsRemoved: counts?.vmsRemoved ?? null,
      objectsTotal: counts?.objectsTotal ?? null,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
  }

  /** Events are chained so they reach Redis in the order they happened, even when not awaited. */
  private progress(event: DiscoveryProgress): Promise<void> {
    this.published = this.published
      .catch(() => undefined)
      .then(() => publishDiscoveryProgress(this.pubsub, event));
    return this.published;
  }
}
