import type { Command } from 'commander';
import type { Runtime } from '../app/runtime.js';
import type { FleetProgress } from '../fleet/fleet-progress.js';
import type { WavePlanSummary } from '../fleet/wave-planner.js';
import { ProgressBar } from './progress-bar.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const count = (p: FleetProgress, key: string) => p.byState.find((c) => c.key === key)?.count ?? 0;

function eta(seconds: number | null): string {
  if (seconds === null) return 'ETA —';
  if (seconds < 90) return `ETA ${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `ETA ${Math.round(seconds / 60)} min`;
  return `ETA ${(seconds / 3600).toFixed(1)} h`;
}

/** "wave 2/5 · 12/50 done, 4 running, 1 held · 3.2/10.0 GiB · 85.0 MiB/s · ETA 7 min" */
export function describeFleet(p: FleetProgress): string {
  const parts = [
    `${p.status}${p.currentWave !== null ? ` · wave ${p.currentWave}/${p.waveCount}` : ''}`,
    `${count(p, 'completed')}/${p.vms} done` +
      (count(p, 'running') ? `, ${count(p, 'running')} running` : '') +
      (count(p, 'held') ? `, ${count(p, 'held')} held` : '') +
      (count(p, 'blocked') ? `, ${count(p, 'blocked')} blocked` : '') +
      (count(p, 'failed') ? `, ${count(p, 'failed')} failed` : ''),
    `${(p.bytesDone / GiB).toFixed(2)}/${(p.bytesTotal / GiB).toFixed(2)} GiB`,
    p.rateBytesPerSecond ? `${(p.rateBytesPerSecond / MiB).toFixed(1)} MiB/s` : 'rate —',
    eta(p.etaSeconds),
  ];
  return parts.join(' · ');
}

/** One bar per wave plus held and blocked VMs with why. */
export function fleetTable(p: FleetProgress): string[] {
  const lines = [`fleet ${p.fleetId} (${p.name}): ${describeFleet(p)}`];
  if (p.statusReason) lines.push(`  reason: ${p.statusReason}`);
  for (const w of p.waves) {
    const done = w.byState.find((c) => c.key === 'completed')?.count ?? 0;
    const states = w.byState.map((c) => `${c.count} ${c.key}`).join(', ');
    lines.push(
      `  wave ${String(w.index).padStart(2)} ${ProgressBar.render(done, w.vms, 20, `${states} · ${eta(w.etaSeconds)}`)}`,
    );
  }
  for (const h of p.held) lines.push(`  held    ${h.vm}: ${h.reason}`);
  for (const b of p.blocked) lines.push(`  blocked ${b.vm}: ${b.reason}`);
  return lines;
}

export function planTable(plan: WavePlanSummary): string[] {
  const lines = [
    `plan ${plan.id} (${plan.name} v${plan.version}): ${plan.vmCount} VMs, ${plan.layerCount} dependency layers, ` +
      `${plan.waveCount} waves, ${plan.moveGroupCount} move groups (${plan.kahnRounds} Kahn rounds)`,
  ];
  for (const w of plan.waves) {
    const groups = w.moveGroups.length ? ` move groups: ${w.moveGroups.join(', ')}` : '';
    lines.push(
      `  wave ${String(w.index).padStart(2)}: ${String(w.vmCount).padStart(4)} VMs ${w.diskGb.toFixed(1).padStart(8)} GB` +
        ` layer ${w.layers.join(',')}${groups}`,
    );
    if (w.vms.length <= 12) lines.push(`           ${w.vms.join(' ')}`);
  }
  for (const g of plan.moveGroups) lines.push(`  move group ${g.id}: ${g.members.join(' ⇄ ')}`);
  for (const warning of plan.warnings) lines.push(`  warning: ${warning}`);
  return lines;
}

const int = (v: string | undefined) => (v === undefined ? undefined : Number(v));

export function registerFleetCommands(
  program: Command,
  withRuntime: <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>,
): void {
  program
    .command('plan-waves')
    .description('compute the next version of a wave plan from DEPENDS_ON (a what-if: nothing migrates)')
    .option('--name <name>', 'plan name (versions count per name)', 'default')
    .option('--vms <refs>', 'comma-separated VM names or ids (default: every live VM, or --cluster)')
    .option('--cluster <name>', 'only the VMs of this cluster')
    .option('--max-vms <n>', 'VMs per wave at most')
    .option('--max-per-host <n>', 'VMs of one ESXi host per wave at most')
    .option('--max-per-datastore <n>', 'VMs on one datastore per wave at most')
    .option('--max-gb <n>', 'provisioned GB per wave at most')
    .option('--respect-capacity', 'keep each wave within the target quota minus usage')
    .option('--cloud <name>', 'configured cloud (for --respect-capacity)')
    .option('--json', 'print the plan as JSON')
    .action(
      async (opts: {
        name: string;
        vms?: string;
        cluster?: string;
        maxVms?: string;
        maxPerHost?: string;
        maxPerDatastore?: string;
        maxGb?: string;
        respectCapacity?: boolean;
        cloud?: string;
        json?: boolean;
      }) => {
        await withRuntime(async (runtime) => {
          const plan = await runtime.wavePlanner.plan(
            opts.name,
            {
              vms: opts.vms ? opts.vms.split(',').map((s) => s.trim()) : null,
              cluster: opts.cluster ?? null,
            },
            {
              maxVmsPerWave: int(opts.maxVms),
              maxPerHost: int(opts.maxPerHost),
              maxPerDatastore: int(opts.maxPerDatastore),
              maxGbPerWave: int(opts.maxGb),
              respectCapacity: opts.respectCapacity ?? false,
              cloud: opts.cloud ?? null,
            },
          );
          console.log(opts.json ? JSON.stringify(plan, null, 2) : planTable(plan).join('\n'));
        });
      },
    );

  const fleet = program.command('fleet').description('run wave plans as fleets (Layer 2)');
  fleet
    .command('start <plan>')
    .description('start a draft wave plan; --follow shows progress until it ends')
    .option('--cloud <name>', 'configured cloud', process.env.FFO_CLOUD_NAME ?? 'lab')
    .option('--concurrency <n>', 'migrations in flight', '4')
    .option('--per-host <n>', 'in flight per ESXi host')
    .option('--per-datastore <n>', 'in flight per datastore')
    .option('--policy <p>', 'on failure: retry | skip | rollback | pause', 'pause')
    .option('--max-retries <n>', 'retry: attempts before pausing', '2')
    .option('--warm', 'warm migrations (automatic cutover once a delta round is small)')
    .option('--conversion <c>', 'auto | none | minimal | full', 'auto')
    .option('--no-capacity', 'do not hold VMs on target quota/capacity')
    .option('--follow', 'follow the fleet until it ends')
    .action(
      async (
        planId: string,
        opts: {
          cloud: string;
          concurrency: string;
          perHost?: string;
          perDatastore?: string;
          policy: string;
          maxRetries: string;
          warm?: boolean;
          conversion: string;
          capacity: boolean;
          follow?: boolean;
        },
      ) => {
        await withRuntime(async (runtime) => {
          const started = await runtime.fleets.start(planId, opts.cloud, {
            concurrency: int(opts.concurrency),
            perHostLimit: int(opts.perHost),
            perDatastoreLimit: int(opts.perDatastore),
            failurePolicy: opts.policy,
            maxRetries: int(opts.maxRetries),
            mode: opts.warm ? 'warm' : 'cold',
            conversion: opts.conversion,
            respectCapacity: opts.capacity,
          });
          console.log(`fleet ${started.id} started (${started.name}, ${started.waveCount} waves)`);
          if (opts.follow)
            process.exitCode = (await followFleet(runtime, started.id)) === 'completed' ? 0 : 1;
        });
      },
    );
  fleet
    .command('status [fleet]')
    .description('progress per wave (bars), held and blocked VMs; without an id, the fleets')
    .option('--follow', 'follow until the fleet ends')
    .action(async (id: string | undefined, opts: { follow?: boolean }) => {
      await withRuntime(async (runtime) => {
        if (!id) {
          for (const f of await runtime.fleets.list()) {
            console.log(`${f.id}  ${f.status.padEnd(10)} ${f.name} (${f.waveCount} waves) ${f.createdAt}`);
          }
          return;
        }
        if (opts.follow) {
          process.exitCode = (await followFleet(runtime, id)) === 'completed' ? 0 : 1;
          return;
        }
        console.log(fleetTable(await runtime.fleets.progress(id)).join('\n'));
      });
    });
  for (const [name, verb] of [
    ['pause', 'stop releasing VMs (in-flight ones continue)'],
    ['resume', 'resume a paused fleet (failed VMs are tried again)'],
    ['cancel', 'cancel in-flight migrations and everything not started'],
  ] as const) {
    fleet
      .command(`${name} <fleet>`)
      .description(verb)
      .action(async (id: string) => {
        await withRuntime(async (runtime) => {
          const f = await runtime.fleets[name](id);
          console.log(`fleet ${f.id}: ${f.status}`);
        });
      });
  }
}

/** Progress bars per wave and fleet events as lines, until the fleet ends; returns its final status. */
export async function followFleet(runtime: Runtime, fleetId: string): Promise<string> {
  const bar = new ProgressBar();
  const stop = new AbortController();
  const printing = (async () => {
    for await (const e of runtime.fleetEvents.events(fleetId, stop.signal)) {
      bar.finish(
        `${e.at.slice(11, 19)} ${e.level === 'info' ? ' ' : e.level[0]!.toUpperCase()} ${e.message}`,
      );
    }
  })();
  let status = 'unknown';
  try {
    for await (const p of runtime.fleets.progressEvents(fleetId, stop.signal)) {
      const done = count(p, 'completed');
      bar.update(done, p.vms, describeFleet(p));
      status = p.status;
      if (p.done) break;
    }
    for (const line of fleetTable(await runtime.fleets.progress(fleetId))) bar.finish(line);
  } finally {
    stop.abort();
    await printing.catch(() => undefined);
  }
  return status;
}
