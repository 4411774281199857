import type { PhaseRunner } from './phase.js';

/** Turns Changed Block Tracking on (ReconfigVM_Task); the pre-copy snapshot then activates it on a running VM. */
export const runEnableCbtPhase: PhaseRunner = async (ctx) => {
  const ops = await ctx.vmOps();
  const state = await ops.getVmState(ctx.plan.vm.moid);
  if (state.changeTrackingEnabled) {
    await ctx.event('info', 'cbt.already_enabled', 'Changed Block Tracking is already on');
    return;
  }
  await ops.enableChangeTracking(ctx.plan.vm.moid);
  await ctx.event('info', 'cbt.enabled', 'Changed Block Tracking enabled (ReconfigVM_Task)');
};
