import type { MigrationContext } from './migration-context.js';

/**
 * Stops the source: a guest shutdown when VMware Tools run, a hard power-off when they do not or the guest has
 * not stopped within the timeout. The moment it starts is when downtime starts (kept across retries).
 */
export async function stopSource(ctx: MigrationContext): Promise<void> {
  const ops = await ctx.vmOps();
  const moid = ctx.plan.vm.moid;
  const state = await ops.getVmState(moid);
  if (state.powerState === 'poweredOff') {
    await ctx.event('info', 'source.already_off', `${ctx.plan.vm.name} is already powered off`);
    return;
  }
  if (!ctx.checkpoints.downtimeStartedAt) {
    ctx.checkpoints.downtimeStartedAt = new Date().toISOString();
    await ctx.saveCheckpoints();
  }
  let graceful = false;
  if (state.powerState === 'poweredOn' && state.guestToolsRunning) {
    try {
      await ops.shutdownGuest(moid);
      graceful = await ops.waitForPowerState(moid, 'poweredOff', ctx.settings.shutdownTimeoutMs, ctx.signal);
    } catch (error) {
      await ctx.event(
        'warning',
        'source.shutdown_failed',
        `guest shutdown failed: ${String(error)}; powering off`,
      );
    }
  }
  if (!graceful) {
    await ops.powerOff(moid);
    await ctx.event(
      'warning',
      'source.powered_off',
      `${ctx.plan.vm.name} powered off (no graceful guest shutdown)`,
    );
  } else {
    await ctx.event('info', 'source.shut_down', `${ctx.plan.vm.name} shut down by the guest`);
  }
}

/** Rollback and `powerOnSourceAfter`: power the source on again when it was on at the start. */
export async function restoreSourcePower(ctx: MigrationContext): Promise<boolean> {
  if (ctx.checkpoints.sourcePowerStateAtStart !== 'poweredOn') return false;
  const ops = await ctx.vmOps();
  const state = await ops.getVmState(ctx.plan.vm.moid);
  if (state.powerState === 'poweredOn') return false;
  await ops.powerOn(ctx.plan.vm.moid);
  return true;
}
