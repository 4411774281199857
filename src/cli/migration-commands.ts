import type { Command } from 'commander';
import type { Runtime } from '../app/runtime.js';
import type { MigrationProgress } from '../engine/migration-events.js';
import type { MigrationSummary } from '../engine/migration-service.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import { ProgressBar } from './progress-bar.js';

const MiB = 1024 * 1024;

/** "precopy round 0: 120.0/512.0 MiB 23% 85.3 MiB/s ETA 4 s" */
export function describeProgress(p: MigrationProgress): string {
  const pct = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 0;
  const rate = p.rateBytesPerSecond !== null ? ` ${(p.rateBytesPerSecond / MiB).toFixed(1)} MiB/s` : '';
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? ` ETA ${Math.ceil(p.etaSeconds)} s` : '';
  const round = p.round !== null ? ` round ${p.round}` : '';
  return `${p.phase}${round}: ${(p.bytesDone / MiB).toFixed(1)}/${(p.bytesTotal / MiB).toFixed(1)} MiB ${pct}%${rate}${eta}`;
}

const TERMINAL = ['completed', 'failed', 'cancelled', 'rolled_back'];

/**
 * Follows a migration: a progress bar (bytes, rate, ETA) and its events as lines, until it ends or reaches
 * `untilPhase`. Returns the final status (or the phase reached).
 */
export async function followMigration(
  runtime: Runtime,
  id: string,
  untilPhase: string | null = null,
): Promise<string> {
  const bar = new ProgressBar();
  const stopEvents = new AbortController();
  const events = runtime.migrationEvents.events({ migration: id }, stopEvents.signal);
  let stop = false;
  const printing = (async () => {
    for await (const e of events) {
      if (e.kind === 'chunk.copied' || e.kind === 'conversion.message') continue;
      bar.finish(
        `${e.at.slice(11, 19)} ${e.level === 'info' ? ' ' : e.level[0]!.toUpperCase()} [${e.phase}] ${e.message}`,
      );
      if (stop) break;
    }
  })();
  let outcome = 'unknown';
  try {
    const atStart = await runtime.migrations.get(id);
    const skipFinished = !TERMINAL.includes(atStart.status);
    for await (const p of runtime.migrationEvents.progressEvents(id, { skipFinished })) {
      bar.update(
        Math.round(p.bytesDone / MiB),
        Math.max(1, Math.round(p.bytesTotal / MiB)),
        describeProgress(p),
      );
      if (TERMINAL.includes(p.status) || p.done) {
        // The last-known progress may be that of an earlier run (e.g. completed before a rollback).
        const now = await runtime.migrations.get(id);
        if (!TERMINAL.includes(now.status)) continue;
        outcome = now.status;
        break;
      }
      if (untilPhase && p.phase === untilPhase) {
        outcome = p.phase;
        break;
      }
    }
  } finally {
    stop = true;
    stopEvents.abort();
    await printing.catch(() => undefined);
  }
  const record = await runtime.migrations.get(id);
  if (TERMINAL.includes(record.status)) {
    const server = record.checkpoints.server;
    bar.finish(
      `migration ${id} ${record.status}` +
        (record.errorCode ? `: ${record.errorCode}: ${record.errorMessage ?? ''}` : '') +
        (server
          ? ` — server ${server.id}${server.fixedIps.length ? ` (${server.fixedIps.join(', ')})` : ''}`
          : ''),
    );
    return record.status;
  }
  return outcome;
}

function printSummary(s: MigrationSummary): void {
  console.log(JSON.stringify(s, null, 2));
}

async function requireWorker(runtime: Runtime): Promise<void> {
  const workers = await runtime.migrationQueue.queue.getWorkers();
  if (workers.length === 0) {
    throw new FfoError(
      ErrorCode.BAD_INPUT,
      'no `ffo worker` is consuming the migrate-vm queue; start one first',
    );
  }
}

/** `ffo migrate`, `ffo cutover`, `ffo cancel`, `ffo retry`, `ffo rollback`, `ffo migration show`. */
export function registerMigrationCommands(
  program: Command,
  withRuntime: <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>,
): void {
  program
    .command('migrate <vm>')
    .description('migrate one VM (id or unique name) to the cloud, following its progress')
    .option('--cloud <name>', 'configured cloud', process.env.FFO_CLOUD_NAME ?? 'lab')
    .option('--project <name>', 'target project (default: the cloud’s configured one)')
    .option('--warm', 'warm migration: pre-copy while the VM runs, CBT deltas, then cutover')
    .option('--pipeline <p>', 'auto | nbd | http', 'auto')
    .option('--cutover <mode>', 'warm: manual | auto | scheduled', 'manual')
    .option('--cutover-at <iso>', 'warm + scheduled: when')
    .option('--delta-interval <s>', 'warm: seconds between delta rounds', '300')
    .option('--flavor <flavor>', 'flavor override (id or name)')
    .option('--conversion <c>', 'auto | none | minimal | full', 'auto')
    .option('--verify-checksums', 'sha256 every disk on both sides after the final copy')
    .option('--detach', 'queue it and return at once')
    .option('--until <phase>', 'follow until this phase is reached (e.g. delta), then return')
    .action(
      async (
        vm: string,
        opts: {
          cloud: string;
          project?: string;
          warm?: boolean;
          pipeline: string;
          cutover: string;
          cutoverAt?: string;
          deltaInterval: string;
          flavor?: string;
          conversion: string;
          verifyChecksums?: boolean;
          detach?: boolean;
          until?: string;
        },
      ) => {
        await withRuntime(async (runtime) => {
          await requireWorker(runtime);
          const summary = await runtime.migrations.start(vm, opts.cloud, {
            mode: opts.warm ? 'warm' : 'cold',
            pipeline: opts.pipeline,
            cutover: opts.warm ? opts.cutover : null,
            cutoverAt: opts.cutoverAt ?? null,
            deltaIntervalSeconds: Number(opts.deltaInterval),
            flavorOverride: opts.flavor ?? null,
            project: opts.project ?? null,
            conversion: opts.conversion,
            verifyChecksums: opts.verifyChecksums ?? false,
          });
          console.error(
            `migration ${summary.id} of ${summary.vmName}: ${summary.mode}, ${summary.pipelineReason}`,
          );
          console.log(summary.id);
          if (opts.detach) return;
          const outcome = await followMigration(runtime, summary.id, opts.until ?? null);
          process.exitCode =
            outcome === 'failed' || outcome === 'cancelled' || outcome === 'rolled_back' ? 1 : 0;
        });
      },
    );

  const control = (
    name: string,
    description: string,
    act: (runtime: Runtime, id: string) => Promise<MigrationSummary>,
  ) =>
    program
      .command(`${name} <migration>`)
      .description(description)
      .option('--follow', 'follow the migration until it ends')
      .action(async (id: string, opts: { follow?: boolean }) => {
        await withRuntime(async (runtime) => {
          printSummary(await act(runtime, id));
          if (opts.follow) {
            const outcome = await followMigration(runtime, id);
            process.exitCode = outcome === 'failed' ? 1 : 0;
          }
        });
      });
  control('cutover', 'cut a warm migration over now (source off, final delta, launch)', (r, id) =>
    r.migrations.cutover(id),
  );
  control('sync', 'warm: run a delta round now', (r, id) => r.migrations.syncNow(id));
  control('cancel', 'stop a migration and remove what it made', (r, id) => r.migrations.cancel(id));
  control('retry', 'run a failed migration again from its checkpoints', (r, id) => r.migrations.retry(id));
  control('rollback', 'remove what a migration made; power the source back on', (r, id) =>
    r.migrations.rollback(id),
  );

  program
    .command('migration <migration>')
    .description('show a migration: status, phase, checkpoints, downtime, server')
    .option('--follow', 'follow it until it ends')
    .action(async (id: string, opts: { follow?: boolean }) => {
      await withRuntime(async (runtime) => {
        if (opts.follow) await followMigration(runtime, id);
        const r = await runtime.migrations.get(id);
        console.log(
          JSON.stringify({ ...r, plan: { ...r.plan, disks: r.plan.disks, nics: r.plan.nics } }, null, 2),
        );
      });
    });
}
