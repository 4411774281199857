import { httpSourceOf, runCopyRound } from '../transfer/copy-round.js';
import { withWritableTargets } from '../transfer/writable-targets.js';
import type { PhaseRunner } from './phase.js';

/**
 * Warm: delta rounds on an interval while the source runs, until a cutover is due — asked for (manual), its
 * time has come (scheduled), or a round moved at most autoCutoverBytes (auto).
 */
export const runDeltaPhase: PhaseRunner = async (ctx, deps) => {
  const options = ctx.plan.options;
  for (;;) {
    ctx.throwIfCancelled();
    // A round interrupted by a crash is finished first.
    if (ctx.checkpoints.round?.kind === 'delta') {
      await deltaRound(ctx, deps);
      continue;
    }
    const fresh = await ctx.store.get(ctx.record.id);
    if (fresh.cutoverRequestedAt) {
      await ctx.event('info', 'cutover.requested', 'cutover requested: leaving the delta rounds');
      return;
    }
    const last = ctx.checkpoints.deltaHistory[ctx.checkpoints.deltaHistory.length - 1];
    if (options.cutover === 'auto' && last && last.bytesCopied <= options.autoCutoverBytes) {
      await ctx.event(
        'info',
        'cutover.auto',
        `delta round ${last.round} moved ${last.bytesCopied} bytes: cutting over`,
      );
      return;
    }
    let waitMs = options.deltaIntervalSeconds * 1000;
    if (options.cutover === 'scheduled' && options.cutoverAt) {
      const until = new Date(options.cutoverAt).getTime() - Date.now();
      if (until <= 0) {
        await ctx.event('info', 'cutover.scheduled', `scheduled cutover time ${options.cutoverAt} reached`);
        return;
      }
      waitMs = Math.min(waitMs, until);
    }
    // The first delta round follows the pre-copy at once (it catches what changed during the long copy).
    if (last) {
      const woke = await ctx.control.wait(waitMs, ctx.signal);
      if (woke === 'cancel') ctx.throwIfCancelled();
      // A cutover or cancel arrived: re-read the record. A sync asks for a round now.
      if (woke === 'cutover') continue;
      if (
        options.cutover === 'scheduled' &&
        options.cutoverAt &&
        new Date(options.cutoverAt).getTime() <= Date.now()
      ) {
        continue;
      }
    }
    await deltaRound(ctx, deps);
  }
};

async function deltaRound(ctx: Parameters<PhaseRunner>[0], deps: Parameters<PhaseRunner>[1]): Promise<void> {
  await withWritableTargets(ctx, (targets) =>
    runCopyRound(ctx, 'delta', targets, deps.copier, (disk) => httpSourceOf(ctx, disk)),
  );
}
