import { ErrorCode, FfoError } from '../../errors/index.js';
import { assertMacsAvailable } from '../target/port-provisioner.js';
import type { PhaseRunner } from './phase.js';

/**
 * Checks the plan against the live systems before anything is created: the VM still exists with the planned
 * disks, CBT is possible for a warm migration, and no port in the target already holds one of the MACs.
 * Records the source power state so a rollback can restore it.
 */
export const runValidatePhase: PhaseRunner = async (ctx) => {
  const ops = await ctx.vmOps();
  const state = await ops.getVmState(ctx.plan.vm.moid);
  const planned = ctx.plan.disks.map((d) => d.key).sort();
  const live = state.disks.map((d) => d.key).sort();
  if (JSON.stringify(planned) !== JSON.stringify(live)) {
    throw new FfoError(
      ErrorCode.MIGRATION_STATE_INVALID,
      `the disks of ${ctx.plan.vm.name} changed since planning (planned ${planned.join(',')}, now ${live.join(',')}): rediscover and start again`,
      { details: { planned, live } },
    );
  }
  for (const disk of ctx.plan.disks) {
    const now = state.disks.find((d) => d.key === disk.key)!;
    if (now.capacityBytes !== disk.capacityBytes) {
      throw new FfoError(
        ErrorCode.MIGRATION_STATE_INVALID,
        `disk ${disk.key} of ${ctx.plan.vm.name} was resized since planning: rediscover and start again`,
        { details: { disk: disk.key, planned: disk.capacityBytes, now: now.capacityBytes } },
      );
    }
  }
  if (ctx.checkpoints.sourcePowerStateAtStart === null)
    ctx.checkpoints.sourcePowerStateAtStart = state.powerState;
  ctx.checkpoints.datacenterPath = state.datacenterPath || state.datacenterName;
  await ctx.saveCheckpoints();
  await assertMacsAvailable(
    ctx.openstack(),
    ctx.plan.nics.map((n) => ({ macAddress: n.macAddress })),
    ctx.record.id,
  );
  await ctx.event('info', 'validate.ok', `${ctx.plan.vm.name} (${state.powerState}) is ready to move`, {
    powerState: state.powerState,
    changeTrackingEnabled: state.changeTrackingEnabled,
    pipeline: ctx.plan.pipeline,
    pipelineReason: ctx.plan.pipelineReason,
  });
};
