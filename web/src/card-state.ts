/** What a migration card shows, from the migration's record and its live phase; pure, so it is unit-tested. */

/** running: source green, copying while it runs; cutover: amber; active: on OpenStack; failed: red. */
export type CardState = 'queued' | 'running' | 'cutover' | 'active' | 'failed' | 'rolling-back' | 'ended';

export interface CardFacts {
  mode: string;
  status: string;
  cutoverRequestedAt: string | null;
}

const CUTOVER_PHASES = new Set(['cutover', 'shutdown']);
// A warm migration's source keeps running through these; every later phase comes after the source stopped.
const SOURCE_RUNNING_PHASES = new Set(['queued', 'validate', 'enable_cbt', 'prepare', 'precopy', 'delta']);
export const IN_FLIGHT = new Set(['queued', 'running', 'rolling_back']);

const PHASE_TEXT: Record<string, string> = {
  queued: 'Queued for a worker…',
  validate: 'Validating…',
  enable_cbt: 'Enabling change tracking…',
  prepare: 'Preparing target volumes and ports…',
  precopy: 'Pre-copying disks…',
  cutover: 'Cutting over…',
  shutdown: 'Shutting the source down…',
  copy: 'Copying disks…',
  download: 'Downloading disks…',
  convert: 'Converting the guest…',
  import: 'Importing volumes…',
  launch: 'Launching the server…',
  verify: 'Verifying…',
  rollback: 'Rolling back…',
};

export function cardState(m: CardFacts, phase: string): CardState {
  if (m.status === 'failed') return 'failed';
  if (m.status === 'completed') return 'active';
  if (m.status === 'rolling_back') return 'rolling-back';
  if (m.status === 'rolled_back' || m.status === 'cancelled') return 'ended';
  if (m.status === 'queued') return 'queued';
  const warmCutover =
    m.mode === 'warm' && (m.cutoverRequestedAt !== null || !SOURCE_RUNNING_PHASES.has(phase));
  if (CUTOVER_PHASES.has(phase) || warmCutover) return 'cutover';
  return 'running';
}

export function phaseText(phase: string, round: number | null): string {
  if (phase === 'delta') return `Delta round ${round ?? ''}… (source still running)`;
  return PHASE_TEXT[phase] ?? `${phase}…`;
}

const COLD_SOURCE_RUNNING_PHASES = new Set(['queued', 'validate', 'prepare']);

/** The source VM still runs: a warm migration until cutover, a cold one until its shutdown phase. */
export function sourceRunning(m: CardFacts, phase: string): boolean {
  const state = cardState(m, phase);
  if (state !== 'running' && state !== 'queued') return false;
  return m.mode === 'warm' || COLD_SOURCE_RUNNING_PHASES.has(phase);
}
