import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { AppConfig } from '../../../src/config/app-config.js';
import { loadEngineSettings } from '../../../src/engine/engine-settings.js';
import { hostFactsProvider } from '../../../src/engine/host-facts.js';
import { MigrationEventBus, type MigrationEventMessage } from '../../../src/engine/migration-events.js';
import { MigrationService } from '../../../src/engine/migration-service.js';
import { MigrationStore } from '../../../src/engine/migration-store.js';
import type { GraphClient } from '../../../src/graph/graph-client.js';
import type { OpenStackClient } from '../../../src/providers/openstack/openstack-client.js';
import { RedisPubSub } from '../../../src/pubsub/redis-pubsub.js';
import { MigrationQueue } from '../../../src/queue/migration-queue.js';
import { bullConnection } from '../../../src/queue/redis-connection.js';
import { cloudCredentials } from '../../../src/config/app-config.js';
import { fetchVSphereInventory } from '../../../src/services/vsphere-inventory-fetcher.js';
import {
  fetchOpenStackInventory,
  openStackClientFor,
} from '../../../src/services/openstack-inventory-fetcher.js';
import { MigrationPlanning } from '../../../src/services/migration-planning.js';
import { SourceDiscovery } from '../../../src/services/source-discovery.js';
import { TargetDiscovery } from '../../../src/services/target-discovery.js';
import type { Redis } from 'ioredis';
import { labConfig, openGraph } from './lab.js';
import { startPrivateVcsim, type PrivateVcsim } from './private-vcsim.js';

export const MiB = 1024 * 1024;
export const CLOUD = 'lab';

/**
 * The engine's real surroundings for a test file: a private vCenter simulator (its VMs and disks are the test's
 * own), the lab's Neo4j, Redis and OpenStack, the engine's service in this process and `ffo worker` as real child
 * processes (so they can be killed with -9), on a queue prefix of the test's own.
 */
export class EngineLab {
  readonly prefix = `ffo-engine-test-${randomUUID().slice(0, 8)}`;
  readonly vcName = `eng-${randomUUID().slice(0, 6)}`;
  workers: ChildProcess[] = [];
  vcsim!: PrivateVcsim;
  config!: AppConfig;
  graph!: GraphClient;
  pubsub!: RedisPubSub;
  connection!: Redis;
  queue!: MigrationQueue;
  store!: MigrationStore;
  bus!: MigrationEventBus;
  planning!: MigrationPlanning;
  service!: MigrationService;
  openstack!: OpenStackClient;
  private events: MigrationEventMessage[] = [];
  private eventWaiters: {
    test: (e: MigrationEventMessage) => boolean;
    resolve: (e: MigrationEventMessage) => void;
  }[] = [];
  private eventsIterator: AsyncGenerator<MigrationEventMessage> | null = null;
  private readonly stopEvents = new AbortController();

  async start(): Promise<void> {
    const base = labConfig(); // loads lab.env (FFO_VCSIM_BIN, FFO_GOVC, ...)
    this.vcsim = await startPrivateVcsim(['-dc', '1', '-cluster', '1', '-host', '2', '-vm', '0']);
    this.config = this.vcsim.asVCenter(base, this.vcName);
    this.graph = await openGraph(this.config);
    this.pubsub = new RedisPubSub(this.config.redisUrl);
    this.connection = bullConnection(this.config.redisUrl);
    this.queue = new MigrationQueue(this.connection, this.prefix);
    this.store = new MigrationStore(this.graph);
    this.bus = new MigrationEventBus(this.graph, this.pubsub);
    this.planning = new MigrationPlanning(this.graph, this.config);
    const settings = loadEngineSettings();
    this.service = new MigrationService(
      this.graph,
      this.planning,
      this.store,
      this.bus,
      this.queue,
      settings,
      hostFactsProvider(settings),
      [CLOUD],
    );
    this.openstack = openStackClientFor(cloudCredentials(this.config, CLOUD));
    this.eventsIterator = this.bus.events({}, this.stopEvents.signal);
    void (async () => {
      for await (const e of this.eventsIterator!) {
        this.events.push(e);
        for (const w of [...this.eventWaiters]) {
          if (w.test(e)) {
            this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      }
    })().catch(() => undefined);
    const target = new TargetDiscovery(this.graph, this.pubsub, this.config, fetchOpenStackInventory);
    await target.run(await target.createRun(CLOUD), CLOUD);
    await this.planning.storage.setDefault(CLOUD, 'standard');
  }

  async govc(args: string[]): Promise<string> {
    const { stdout } = await execa(process.env.FFO_GOVC!, args, { env: this.vcsim.govcEnv });
    return stdout;
  }

  async datastoreDir(): Promise<string> {
    const ds = JSON.parse(await this.govc(['datastore.info', '-json', 'LocalDS_0'])) as {
      Datastores: { Info: { Url: string } }[];
    };
    return ds.Datastores[0]!.Info.Url;
  }

  /**
   * A VM with one thin disk and optionally a thick one, a unique MAC on "VM Network"; returns the flat files.
   * vcsim creates 0-byte disk files: they get their full (sparse) size here, so tests write guest data into them.
   */
  async createVm(options: {
    bootBytes: number;
    dataBytes?: number;
    on?: boolean;
    guestId?: string;
    network?: string;
    host?: string;
    name?: string;
  }): Promise<TestVm> {
    const name = options.name ?? `ffo-eng-${randomUUID().slice(0, 8)}`;
    const mac = `00:50:56:${randomBytes(3).toString('hex').match(/../g)!.join(':')}`;
    await this.govc([
      'vm.create',
      '-m',
      '512',
      '-c',
      '1',
      '-g',
      options.guestId ?? 'debian11_64Guest',
      '-on=false',
      '-ds',
      'LocalDS_0',
      '-net',
      options.network ?? 'VM Network',
      '-net.address',
      mac,
      '-disk',
      `${options.bootBytes / MiB}MB`,
      '-disk.controller',
      'pvscsi',
      '-host',
      options.host ?? 'DC0_C0_H0',
      name,
    ]);
    const dir = await this.datastoreDir();
    const flats = [join(dir, name, `${name}-flat.vmdk`)];
    await truncate(flats[0]!, options.bootBytes);
    if (options.dataBytes) {
      await this.govc([
        'vm.disk.create',
        '-vm',
        name,
        '-ds',
        'LocalDS_0',
        '-name',
        `${name}/data`,
        '-size',
        `${options.dataBytes / MiB}M`,
        '-thick',
      ]);
      flats.push(join(dir, name, 'data-flat.vmdk'));
      await truncate(flats[1]!, options.dataBytes);
    }
    if (options.on) await this.govc(['vm.power', '-on', name]);
    return { name, mac, flats };
  }

  /** Discovers the private vCenter and maps its port group to the lab's net-app. */
  async discover(): Promise<void> {
    const discovery = new SourceDiscovery(this.graph, this.pubsub, this.config, fetchVSphereInventory);
    await discovery.run(await discovery.createRun(this.vcName), this.vcName);
    const gaps = await this.planning.networks.gaps(CLOUD, null);
    const networks = await this.openstack.listNetworks();
    const netApp = networks.find((n) => n.name === 'net-app')!;
    // Only "VM Network": a VM on another port group stays blocked (the refusal test relies on it).
    for (const gap of gaps.filter(
      (g) => g.portGroupId.startsWith(this.vcsim.instanceUuid) && g.portGroupName === 'VM Network',
    )) {
      await this.planning.networks.map(gap.portGroupId, CLOUD, `${CLOUD}/${netApp.id}`, null, 'test');
    }
  }

  /** What an `ffo` child process needs to see this lab: the private vCenter as its only one, the test's queues. */
  labEnv(): Record<string, string> {
    return {
      FFO_QUEUE_PREFIX: this.prefix,
      FFO_VCENTER_NAME: this.vcName,
      FFO_VCENTER_URL: this.vcsim.url,
      FFO_VCENTER_USER: this.vcsim.username,
      FFO_VCENTER_PASSWORD: this.vcsim.password,
      FFO_VCENTER_CA: '',
    };
  }

  /** `ffo worker` as a child process with the private vCenter as its only one; resolves once it consumes. */
  async startWorker(env: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['bin/ffo.js', 'worker', '--migrations', '2'], {
      env: {
        ...process.env,
        ...this.labEnv(),
        FFO_JOB_LOCK_MS: '4000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.workers.push(child);
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('FFO worker ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${log}`)));
    });
    return child;
  }

  async stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** The first event (already seen or to come) matching the test. */
  event(test: (e: MigrationEventMessage) => boolean): Promise<MigrationEventMessage> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.eventWaiters.push({ test, resolve }));
  }

  eventsOf(migrationId: string): MigrationEventMessage[] {
    return this.events.filter((e) => e.migrationId === migrationId);
  }

  /** Resolves with the status once the run (or the rollback) of the migration has ended. */
  async finished(migrationId: string, what: 'run' | 'rollback' = 'run'): Promise<string> {
    const kinds =
      what === 'run' ? ['migration.completed', 'migration.failed'] : ['rollback.finished', 'rollback.failed'];
    await this.event((e) => e.migrationId === migrationId && kinds.includes(e.kind));
    return (await this.store.get(migrationId)).status;
  }

  async stop(): Promise<void> {
    for (const w of this.workers) await this.stopWorker(w);
    this.stopEvents.abort();
    await this.queue.close();
    await this.openstack.close();
    await this.pubsub.close();
    await this.connection.quit().catch(() => undefined);
    await this.graph.close();
    await this.vcsim.stop();
  }
}

export interface TestVm {
  name: string;
  mac: string;
  flats: string[];
}

/** Writes random data (or zeros) at offset, synced. */
export async function writeAt(file: string, offset: number, length: number, zeros = false): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(zeros ? Buffer.alloc(length) : randomBytes(length), 0, length, offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function sha256(file: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The lab's Cinder NFS share: volume files are `<dir>/volume-<id>`. */
export function volumeFile(volumeId: string): string {
  const mounts = loadEngineSettings().nfsMounts;
  const dir = [...mounts.values()][0];
  if (!dir) throw new Error('FFO_NFS_MOUNTS is not set by the lab');
  return join(dir, `volume-${volumeId}`);
}
