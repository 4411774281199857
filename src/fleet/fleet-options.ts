import { ErrorCode, FfoError } from '../errors/index.js';
import { parseMigrationOptions, type MigrationOptionsInput } from '../engine/migration-options.js';
import type { FailurePolicy, FleetOptions } from './fleet-types.js';

/** What startFleet takes (GraphQL enums arrive upper-case, the CLI lower-case). */
export interface FleetOptionsInput {
  concurrency?: number | null;
  perHostLimit?: number | null;
  perDatastoreLimit?: number | null;
  failurePolicy?: string | null;
  maxRetries?: number | null;
  retryBackoffSeconds?: number | null;
  respectCapacity?: boolean | null;
  project?: string | null;
  mode?: string | null;
  cutover?: string | null;
  conversion?: string | null;
  pipeline?: string | null;
  verifyChecksums?: boolean | null;
}

const POLICIES: readonly FailurePolicy[] = ['retry', 'skip', 'rollback', 'pause'];

/** Validates every option at once (BAD_INPUT listing all problems) before a fleet exists. */
export function parseFleetOptions(input: FleetOptionsInput, cloud: string): FleetOptions {
  const problems: string[] = [];
  const whole = (name: string, value: number | null | undefined, min: number): number | null => {
    if (value === null || value === undefined) return null;
    if (!Number.isInteger(value) || value < min) {
      problems.push(`${name} must be a whole number ≥ ${min} (got ${value})`);
      return null;
    }
    return value;
  };
  const concurrency = whole('concurrency', input.concurrency, 1) ?? 4;
  const perHostLimit = whole('perHostLimit', input.perHostLimit, 1);
  const perDatastoreLimit = whole('perDatastoreLimit', input.perDatastoreLimit, 1);
  const maxRetries = whole('maxRetries', input.maxRetries, 0) ?? 2;
  const backoff = input.retryBackoffSeconds ?? 30;
  if (!Number.isFinite(backoff) || backoff < 0)
    problems.push(`retryBackoffSeconds must be ≥ 0 (got ${backoff})`);
  const policy = (input.failurePolicy ?? 'pause').toLowerCase() as FailurePolicy;
  if (!POLICIES.includes(policy)) {
    problems.push(`failurePolicy must be one of ${POLICIES.join(', ')} (got "${input.failurePolicy}")`);
  }
  const mode = (input.mode ?? 'cold').toLowerCase();
  const migration: MigrationOptionsInput = {
    mode,
    // A fleet cannot wait for a person per VM: warm VMs cut over on their own once a delta round is small.
    cutover: input.cutover ?? (mode === 'warm' ? 'auto' : null),
    conversion: input.conversion ?? null,
    pipeline: input.pipeline ?? null,
    verifyChecksums: input.verifyChecksums ?? null,
    project: input.project ?? null,
  };
  try {
    parseMigrationOptions(migration, cloud);
  } catch (error) {
    if (error instanceof FfoError) problems.push(error.message);
    else throw error;
  }
  if (problems.length > 0) {
    throw new FfoError(ErrorCode.BAD_INPUT, problems.join('; '), { details: { problems } });
  }
  return {
    cloud,
    project: input.project ?? null,
    concurrency,
    perHostLimit,
    perDatastoreLimit,
    failurePolicy: policy,
    maxRetries,
    retryBackoffSeconds: backoff,
    respectCapacity: input.respectCapacity ?? true,
    migration,
  };
}
