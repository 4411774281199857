import { httpSourceOf, runCopyRound } from '../transfer/copy-round.js';
import { withWritableTargets } from '../transfer/writable-targets.js';
import type { PhaseRunner } from './phase.js';

/** Cold: the one full copy, with the source already off. */
export const runCopyPhase: PhaseRunner = async (ctx, deps) => {
  await withWritableTargets(ctx, (targets) =>
    runCopyRound(ctx, 'full', targets, deps.copier, (disk) => httpSourceOf(ctx, disk)),
  );
};
