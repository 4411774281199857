import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { buildSchema } from '../api/schema-builder.js';
import { startApiServer } from '../api/api-server.js';
import { apiRoutes } from '../app/api-routes.js';
import { openRuntime, type Runtime } from '../app/runtime.js';
import { issueToken } from '../auth/jwt-auth.js';
import { isRole, type Role } from '../auth/roles.js';
import { loadConfig } from '../config/app-config.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import { startDiscoveryWorker } from '../queue/discovery-worker.js';
import { startMigrationWorker } from '../queue/migration-worker.js';
import { startFleetWorker } from '../queue/fleet-worker.js';
import { createFleetOrchestrator } from '../fleet/fleet-orchestrator-factory.js';
import { createMigrationRunner } from '../engine/migration-runner-factory.js';
import type { Worker } from 'bullmq';
import { discoveryProgressEvents } from '../services/discovery-progress.js';
import { postGraphQL } from './graphql-request.js';
import { runLabScript } from './lab-command.js';
import { ProgressBar } from './progress-bar.js';
import { registerMigrationCommands } from './migration-commands.js';
import { registerFleetCommands } from './fleet-commands.js';
import { registerMcpCommand } from './mcp-command.js';
import { configureLogging, createLogger } from '../observability/logger.js';
import { operationsEndpoints } from '../observability/operations-endpoints.js';
import { startOperationsServer } from '../observability/operations-server.js';
import { observeWorker } from '../observability/worker-observer.js';

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
const untilSignal = (): Promise<string> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime();
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

async function followDiscovery(runtime: Runtime, runId: string, vcenter: string): Promise<boolean> {
  const bar = new ProgressBar();
  for await (const event of discoveryProgressEvents(runtime.pubsub, runId)) {
    bar.update(
      event.vmsWritten,
      event.vmsTotal,
      `${event.phase}${event.message ? ` (${event.message})` : ''}`,
    );
    if (event.done) {
      bar.finish(
        event.errorCode
          ? `discovery of ${vcenter} failed: ${event.errorCode}: ${event.message ?? ''}`
          : `discovery of ${vcenter} done: ${event.message ?? ''}`,
      );
      return !event.errorCode;
    }
  }
  return false;
}

async function tokenFor(options: { token?: string; role?: string }): Promise<string | null> {
  if (options.token) return options.token;
  if (process.env.FFO_TOKEN) return process.env.FFO_TOKEN;
  const config = loadConfig();
  if (config.auth.disabled) return null;
  if (!config.auth.jwtSecret) return null;
  const role = options.role ?? 'analyst';
  if (!isRole(role)) throw new FfoError(ErrorCode.BAD_INPUT, `unknown role ${role}`);
  return issueToken(config.auth.jwtSecret, `ffo-cli-${process.env.USER ?? 'user'}`, [role]);
}

export function buildCli(): Command {
  const program = new Command('ffo')
    .description('FFO Twin: migrate VMs from vSphere to OpenStack with a Neo4j digital twin')
    .showHelpAfterError();

  const lab = program
    .command('lab')
    .description('the local lab of real systems (Neo4j, Redis, vCenter simulator)');
  lab
    .command('up')
    .description('start the lab (idempotent); installs what is missing')
    .option('--no-openstack', 'skip OpenStack for quick runs')
    .option('--model <model>', 'vCenter simulator model: estate (seeded site) or scale (bench)', 'estate')
    .action(async (opts: { openstack: boolean; model: string }) => {
      process.exitCode = await runLabScript('up', [
        ...(opts.openstack ? [] : ['--no-openstack']),
        '--model',
        opts.model,
      ]);
    });
  lab
    .command('down')
    .description('stop everything the lab started (by pid)')
    .action(async () => {
      process.exitCode = await runLabScript('down', []);
    });
  lab
    .command('status')
    .description('show what runs')
    .action(async () => {
      process.exitCode = await runLabScript('status', []);
    });

  program
    .command('serve')
    .description('serve the GraphQL API (HTTP and graphql-ws subscriptions on the same port)')
    .option('--port <port>', 'port (default FFO_API_PORT or 4000)')
    .option('--host <host>', 'bind address (default FFO_API_HOST or 127.0.0.1)')
    .action(async (opts: { port?: string; host?: string }) => {
      configureLogging();
      const log = createLogger('api');
      const runtime = await openRuntime();
      const schema = await buildSchema(runtime.graph.driver);
      const api = await startApiServer(schema, runtime, runtime.config, {
        routes: apiRoutes(runtime, schema),
        ...(opts.port ? { port: Number(opts.port) } : {}),
        ...(opts.host ? { host: opts.host } : {}),
      });
      if (runtime.config.auth.disabled) {
        log.warn('FFO_AUTH_DISABLED=1 — every caller is admin. Development only.');
      }
      log.info(`FFO API ready at ${api.url} (subscriptions: ${api.wsUrl})`, {
        url: api.url,
        pid: process.pid,
      });
      log.info('stopping', { signal: await untilSignal() });
      await api.close();
      await runtime.close();
    });

  program
    .command('worker')
    .description('run queued jobs (discovery, migrate-vm, fleet orchestration)')
    .option('--concurrency <n>', 'discovery jobs at once', '2')
    .option('--migrations <n>', 'migrations at once', '2')
    .option(
      '--metrics-port <n>',
      'serve /metrics, /healthz and /readyz of this worker on this port (0 = any free one)',
      process.env.FFO_WORKER_METRICS_PORT,
    )
    .option(
      '--metrics-host <host>',
      'bind address of the metrics port',
      process.env.FFO_WORKER_METRICS_HOST ?? '127.0.0.1',
    )
    .action(
      async (opts: {
        concurrency: string;
        migrations: string;
        metricsPort?: string;
        metricsHost: string;
      }) => {
        const metricsPort =
          opts.metricsPort === undefined || opts.metricsPort === '' ? null : Number(opts.metricsPort);
        if (
          metricsPort !== null &&
          (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)
        ) {
          throw new FfoError(
            ErrorCode.BAD_INPUT,
            `--metrics-port needs a port number, got "${opts.metricsPort}"`,
          );
        }
        configureLogging();
        const log = createLogger('worker');
        const runtime = await openRuntime();
        const worker = startDiscoveryWorker(
          runtime.queueConnection,
          { source: runtime.discovery, target: runtime.targetDiscovery },
          {
            concurrency: Number(opts.concurrency),
          },
        );
        const migrationWorker = startMigrationWorker(
          runtime.queueConnection,
          createMigrationRunner(runtime),
          {
            concurrency: Number(opts.migrations),
            lockMs: runtime.engineSettings.jobLockMs,
          },
        );
        const fleetWorker = startFleetWorker(runtime.queueConnection, createFleetOrchestrator(runtime), {
          lockMs: runtime.engineSettings.jobLockMs,
        });
        const workers = [worker, migrationWorker, fleetWorker] as Worker[];
        for (const w of workers) observeWorker(w);
        await worker.waitUntilReady();
        await migrationWorker.waitUntilReady();
        await fleetWorker.waitUntilReady();
        const operations =
          metricsPort === null
            ? null
            : await startOperationsServer(
                operationsEndpoints({
                  graph: runtime.graph,
                  redis: runtime.queueConnection,
                  queues: [
                    runtime.discoveryQueue.queue,
                    runtime.migrationQueue.queue,
                    runtime.fleetQueue.queue,
                  ],
                  workers,
                }),
                metricsPort,
                opts.metricsHost,
              );
        if (operations)
          log.info(`metrics, health and readiness at ${operations.url}`, { metricsUrl: operations.url });
        log.info(`FFO worker ready (queues: discovery, migrate-vm, fleet; pid ${process.pid})`, {
          pid: process.pid,
        });
        log.info('stopping', { signal: await untilSignal() });
        await operations?.close();
        await fleetWorker.close();
        await migrationWorker.close();
        await worker.close();
        await runtime.close();
      },
    );

  program
    .command('discover')
    .description(
      'discover a configured vCenter (or, with --target, an OpenStack cloud) into the twin, with progress',
    )
    .option('--vcenter <name>', 'configured vCenter name', process.env.FFO_VCENTER_NAME ?? 'lab')
    .option('--target', 'discover the target cloud (OpenStack) instead')
    .option('--cloud <name>', 'configured cloud name (with --target)', process.env.FFO_CLOUD_NAME ?? 'lab')
    .option('--inline', 'run in this process instead of queueing for `ffo worker`')
    .action(async (opts: { vcenter: string; cloud: string; inline?: boolean; target?: boolean }) => {
      await withRuntime(async (runtime) => {
        const side = opts.target ? 'target' : 'source';
        const name = opts.target ? opts.cloud : opts.vcenter;
        const discovery = opts.target ? runtime.targetDiscovery : runtime.discovery;
        const runId = await discovery.createRun(name);
        console.error(`discovery run ${runId} (${side} ${name})`);
        if (opts.inline) {
          const follow = followDiscovery(runtime, runId, name);
          await discovery.run(runId, name).catch(() => undefined);
          process.exitCode = (await follow) ? 0 : 1;
          return;
        }
        const workers = await runtime.discoveryQueue.queue.getWorkers();
        if (workers.length === 0) {
          throw new FfoError(
            ErrorCode.BAD_INPUT,
            'no `ffo worker` is consuming the discovery queue; start one or use --inline',
          );
        }
        const follow = followDiscovery(runtime, runId, name);
        await runtime.discoveryQueue.enqueue({ runId, side, name });
        process.exitCode = (await follow) ? 0 : 1;
      });
    });

  registerMigrationCommands(program, withRuntime);
  registerFleetCommands(program, withRuntime);
  registerMcpCommand(program);

  const deps = program.command('deps').description('VM dependencies (DEPENDS_ON)');
  deps
    .command('import <file>')
    .description('import dependencies from CSV (from,to[,reason,confidence]) or JSON; all or nothing')
    .addOption(
      new Option('--format <format>', 'csv or json (default: from the file extension)').choices([
        'csv',
        'json',
      ]),
    )
    .option('--source <source>', 'recorded on every edge', undefined)
    .action(async (file: string, opts: { format?: 'csv' | 'json'; source?: string }) => {
      const format = opts.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
      const content = readFileSync(file, 'utf8');
      await withRuntime(async (runtime) => {
        const result = await runtime.dependencies.import(content, format, opts.source ?? `import:${file}`);
        console.log(JSON.stringify(result));
      });
    });

  program
    .command('query [document]')
    .description('run a GraphQL document against the API and print the JSON answer')
    .option('-f, --file <file>', 'read the document from a file')
    .option('--var <key=value...>', 'variables (JSON values or strings)')
    .option('--url <url>', 'API URL', process.env.FFO_API_URL)
    .option('--token <jwt>', 'bearer token (default FFO_TOKEN, or one minted with --role)')
    .option('--role <role>', 'mint a token with this role from FFO_JWT_SECRET', 'analyst')
    .action(
      async (
        document: string | undefined,
        opts: { file?: string; var?: string[]; url?: string; token?: string; role?: string },
      ) => {
        const query = opts.file ? readFileSync(opts.file, 'utf8') : document;
        if (!query) throw new FfoError(ErrorCode.BAD_INPUT, 'give a GraphQL document or --file');
        const variables: Record<string, unknown> = {};
        for (const pair of opts.var ?? []) {
          const at = pair.indexOf('=');
          if (at < 1) throw new FfoError(ErrorCode.BAD_INPUT, `--var needs key=value, got "${pair}"`);
          const raw = pair.slice(at + 1);
          try {
            variables[pair.slice(0, at)] = JSON.parse(raw);
          } catch {
            variables[pair.slice(0, at)] = raw;
          }
        }
        const config = loadConfig();
        const url = opts.url ?? `http://${config.api.host}:${config.api.port}/graphql`;
        const answer = await postGraphQL(url, query, variables, await tokenFor(opts));
        console.log(JSON.stringify(answer, null, 2));
        if (answer.errors?.length) process.exitCode = 1;
      },
    );

  program
    .command('token')
    .description('mint a JWT for the API (needs FFO_JWT_SECRET)')
    .option('--role <role>', 'analyst | agent | admin', 'analyst')
    .option('--subject <sub>', 'who the token is for', 'ffo-cli')
    .option('--ttl <ttl>', 'lifetime, e.g. 12h', '12h')
    .action(async (opts: { role: string; subject: string; ttl: string }) => {
      const config = loadConfig();
      if (!config.auth.jwtSecret) throw new FfoError(ErrorCode.CONFIG_INVALID, 'FFO_JWT_SECRET is not set');
      if (!isRole(opts.role)) throw new FfoError(ErrorCode.BAD_INPUT, `unknown role ${opts.role}`);
      console.log(await issueToken(config.auth.jwtSecret, opts.subject, [opts.role as Role], opts.ttl));
    });

  return program;
}
