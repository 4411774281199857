import { httpSourceOf, runCopyRound } from '../transfer/copy-round.js';
import { withWritableTargets } from '../transfer/writable-targets.js';
import type { PhaseRunner } from './phase.js';

/** Warm: the full copy of every disk's allocated areas while the source keeps running. */
export const runPrecopyPhase: PhaseRunner = async (ctx, deps) => {
  await withWritableTargets(ctx, (targets) =>
    runCopyRound(ctx, 'full', targets, deps.copier, (disk) => httpSourceOf(ctx, disk)),
  );
};
