import type { FleetService } from '../fleet/fleet-service.js';
import type { FleetProgress } from '../fleet/fleet-progress.js';
import type { ProgressReporter } from './progress-reporter.js';

const MiB = 1024 * 1024;

/** "running wave 2/3: 4/7 VMs done, 120.0/512.0 MiB, ETA 40 s" (currentWave is the wave index, from 1) */
export function describeFleetProgress(p: FleetProgress): string {
  const done = p.byState.find((s) => s.key === 'completed')?.count ?? 0;
  const wave = p.currentWave !== null ? ` wave ${p.currentWave}/${p.waveCount}` : '';
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? `, ETA ${Math.ceil(p.etaSeconds)} s` : '';
  return `${p.status}${wave}: ${done}/${p.vms} VMs done, ${(p.bytesDone / MiB).toFixed(1)}/${(p.bytesTotal / MiB).toFixed(1)} MiB${eta}`;
}

/** A fleet can be left alone once it has ended or is paused (it waits for a person). */
export const fleetAtRest = (p: FleetProgress): boolean => p.done || p.status === 'paused';

/** Relays fleet progress as MCP progress notifications until the fleet is at rest or the client goes away. */
export async function followFleet(
  fleets: Pick<FleetService, 'progressEvents'>,
  fleetId: string,
  reporter: ProgressReporter,
  signal: AbortSignal,
): Promise<FleetProgress | null> {
  let last: FleetProgress | null = null;
  for await (const p of fleets.progressEvents(fleetId, signal)) {
    last = p;
    await reporter.report(describeFleetProgress(p), p.vms);
    if (fleetAtRest(p)) break;
  }
  return last;
}
