import { stopSource } from '../source-power.js';
import { httpSourceOf, runCopyRound } from '../transfer/copy-round.js';
import { withWritableTargets } from '../transfer/writable-targets.js';
import type { PhaseRunner } from './phase.js';

/**
 * Warm cutover: the source goes off and the final delta round brings the last changes; downtime runs from the
 * moment the source is stopped. Run again after a crash it costs one more (empty) delta round: the source is off.
 */
export const runCutoverPhase: PhaseRunner = async (ctx, deps) => {
  await ctx.event('info', 'cutover.started', `cutover of ${ctx.plan.vm.name}: stopping the source`);
  await stopSource(ctx);
  const result = await withWritableTargets(ctx, (targets) =>
    runCopyRound(ctx, 'delta', targets, deps.copier, (disk) => httpSourceOf(ctx, disk)),
  );
  await ctx.event(
    'info',
    'cutover.final_delta',
    `final delta copied with the source off (${result.bytesCopied} bytes)`,
    {
      bytesCopied: result.bytesCopied,
      round: result.number,
    },
  );
};
