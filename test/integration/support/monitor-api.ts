// The API server with the routes `ffo serve` uses (GraphQL, graphql-ws, the Migration Monitor's page), in the test
// process, over a FleetLab: what the browser tests load the page from.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { startApiServer, type RunningApi } from '../../../src/api/api-server.js';
import type { ApiServices } from '../../../src/api/api-context.js';
import { buildSchema } from '../../../src/api/schema-builder.js';
import { apiRoutes } from '../../../src/app/api-routes.js';
import type { Runtime } from '../../../src/app/runtime.js';
import { issueToken } from '../../../src/auth/jwt-auth.js';
import type { Role } from '../../../src/auth/roles.js';
import { loadEngineSettings } from '../../../src/engine/engine-settings.js';
import { DiscoveryQueue } from '../../../src/queue/discovery-queue.js';
import { SourceDiscovery } from '../../../src/services/source-discovery.js';
import { TargetDiscovery } from '../../../src/services/target-discovery.js';
import { fetchVSphereInventory } from '../../../src/services/vsphere-inventory-fetcher.js';
import { fetchOpenStackInventory } from '../../../src/services/openstack-inventory-fetcher.js';
import type { FleetLab } from './fleet-lab.js';

/** The page's bundle; built here when a test runs without `make build` before it. */
export async function ensureWebBuilt(): Promise<void> {
  if (!existsSync(join(process.cwd(), 'dist', 'web', 'index.html'))) {
    await execa(process.execPath, ['scripts/build-web.mjs']);
  }
}

export class MonitorApi {
  runtime!: Runtime;
  discovery!: SourceDiscovery;
  port = 0;
  private running: RunningApi | null = null;
  private schema!: Awaited<ReturnType<typeof buildSchema>>;
  private readonly tokens: Partial<Record<Role, string>> = {};

  constructor(
    private readonly lab: FleetLab,
    private readonly secret: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A signed JWT of one role, as a person pastes it into the page's sign-in. */
  token(role: Role): string {
    const token = this.tokens[role];
    if (!token) throw new Error(`no ${role} token: start() first`);
    return token;
  }

  /** Builds the runtime over the lab's services and listens (on `onPort` again after a restart). */
  async start(onPort = this.port): Promise<void> {
    if (!this.runtime) await this.build();
    this.running = await startApiServer(this.schema, this.runtime, this.runtime.config, {
      port: onPort,
      host: '127.0.0.1',
      routes: apiRoutes(this.runtime, this.schema),
    });
    this.port = Number(new URL(this.running.url).port);
  }

  async close(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }

  private async build(): Promise<void> {
    const lab = this.lab;
    this.discovery = new SourceDiscovery(lab.graph, lab.pubsub, lab.config, fetchVSphereInventory);
    const config = { ...lab.config, auth: { jwtSecret: this.secret, disabled: false } };
    for (const role of ['analyst', 'agent'] as Role[])
      this.tokens[role] = await issueToken(this.secret, `monitor-test-${role}`, [role]);
    const services: ApiServices = {
      graph: lab.graph,
      pubsub: lab.pubsub,
      dependencies: lab.dependencies,
      discovery: this.discovery,
      targetDiscovery: new TargetDiscovery(lab.graph, lab.pubsub, config, fetchOpenStackInventory),
      discoveryQueue: new DiscoveryQueue(lab.connection, lab.prefix),
      planning: lab.planning,
      migrations: lab.service,
      migrationEvents: lab.bus,
      migrationQueue: lab.queue,
      wavePlanner: lab.planner,
      fleets: lab.fleets,
    };
    this.runtime = {
      ...services,
      config,
      queueConnection: lab.connection,
      engineSettings: loadEngineSettings(),
      migrationStore: lab.store,
      fleetStore: lab.fleetStore,
      fleetEvents: lab.fleetEvents,
      fleetQueue: lab.fleetQueue,
      close: async () => undefined,
    };
    this.schema = await buildSchema(lab.graph.driver);
  }
}
