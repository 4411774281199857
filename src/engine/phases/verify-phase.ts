import { ErrorCode, FfoError } from '../../errors/index.js';
import { restoreSourcePower } from '../source-power.js';
import { verifyLaunch } from '../target/launch-verifier.js';
import type { PhaseRunner } from './phase.js';

/**
 * Checks what is real about the launched server: ACTIVE, the matched flavor, the pre-created ports bound with
 * the source MACs, every volume attached. (Lab ports stay DOWN: no agents; that is not checked.)
 */
export const runVerifyPhase: PhaseRunner = async (ctx) => {
  const server = ctx.checkpoints.server;
  if (!server) throw new FfoError(ErrorCode.INTERNAL, 'no launched server to verify');
  const volumeIds = ctx.plan.disks.map((d) => ctx.checkpoints.disks[String(d.key)]!.volumeId!);
  const verification = await verifyLaunch(ctx.openstack(), server.id, {
    flavorId: ctx.plan.flavor.id,
    ports: server.ports.map((p, i) => ({ id: p.id, mac: ctx.plan.nics[i]?.macAddress ?? p.mac })),
    volumeIds,
  });
  ctx.checkpoints.verification = verification.checks;
  await ctx.saveCheckpoints();
  if (!verification.ok) {
    const failed = verification.checks.filter((c) => !c.ok);
    throw new FfoError(
      ErrorCode.VERIFY_FAILED,
      `the launched server does not match the plan: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
      { details: { checks: failed } },
    );
  }
  await ctx.event('info', 'verify.ok', `verified: ${verification.checks.map((c) => c.name).join(', ')}`, {
    checks: verification.checks,
  });
  if (ctx.plan.options.powerOnSourceAfter && (await restoreSourcePower(ctx))) {
    await ctx.event('info', 'source.powered_on', 'source powered on again (powerOnSourceAfter)');
  }
};
