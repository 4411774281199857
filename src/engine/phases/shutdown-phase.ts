import { stopSource } from '../source-power.js';
import type { PhaseRunner } from './phase.js';

/** Cold: the source goes off before its disks are read, so the copy is consistent. */
export const runShutdownPhase: PhaseRunner = async (ctx) => {
  await stopSource(ctx);
};
