import { ErrorCode, FfoError } from '../errors/index.js';

/** Which VMs a plan covers: the given ones (ids or unique names), else one cluster, else every live VM. */
export interface WaveScope {
  vms?: string[] | null;
  cluster?: string | null;
}

export interface WavePlanConstraints {
  maxVmsPerWave?: number | null;
  maxPerHost?: number | null;
  maxPerDatastore?: number | null;
  maxGbPerWave?: number | null;
  /** Keep each wave within what the target project and hypervisors can take now. */
  respectCapacity?: boolean | null;
  cloud?: string | null;
  project?: string | null;
}

const INTEGER_LIMITS = ['maxVmsPerWave', 'maxPerHost', 'maxPerDatastore'] as const;

/** Refuses every bad limit at once (BAD_INPUT with the list) so nothing is planned on a typo. */
export function validateWaveConstraints(input: WavePlanConstraints): WavePlanConstraints {
  const problems: string[] = [];
  for (const key of INTEGER_LIMITS) {
    const value = input[key];
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 1)) {
      problems.push(`${key} must be a whole number ≥ 1 (got ${value})`);
    }
  }
  const gb = input.maxGbPerWave;
  if (gb !== null && gb !== undefined && (!Number.isFinite(gb) || gb <= 0)) {
    problems.push(`maxGbPerWave must be > 0 (got ${gb})`);
  }
  if (problems.length > 0) {
    throw new FfoError(ErrorCode.BAD_INPUT, problems.join('; '), { details: { problems } });
  }
  return {
    maxVmsPerWave: input.maxVmsPerWave ?? null,
    maxPerHost: input.maxPerHost ?? null,
    maxPerDatastore: input.maxPerDatastore ?? null,
    maxGbPerWave: input.maxGbPerWave ?? null,
    respectCapacity: input.respectCapacity ?? false,
    cloud: input.cloud ?? null,
    project: input.project ?? null,
  };
}
