import { ErrorCode, FfoError } from '../errors/index.js';
import type {
  ConversionChoice,
  CutoverMode,
  MigrationMode,
  MigrationOptions,
  PipelineChoice,
} from './migration-types.js';

/** What a caller may pass (GraphQL enums arrive upper-case, the CLI lower-case). */
export interface MigrationOptionsInput {
  mode?: string | null;
  pipeline?: string | null;
  cutover?: string | null;
  cutoverAt?: string | null;
  deltaIntervalSeconds?: number | null;
  autoCutoverBytes?: number | null;
  flavorOverride?: string | null;
  project?: string | null;
  conversion?: string | null;
  verifyChecksums?: boolean | null;
  powerOnSourceAfter?: boolean | null;
}

const pick = <T extends string>(
  value: string | null | undefined,
  allowed: readonly T[],
  fallback: T,
  name: string,
): T => {
  if (value === null || value === undefined || value === '') return fallback;
  const v = value.toLowerCase() as T;
  if (!allowed.includes(v)) {
    throw new FfoError(ErrorCode.BAD_INPUT, `${name} must be one of ${allowed.join(', ')} (got "${value}")`, {
      details: { option: name, value },
    });
  }
  return v;
};

/**
 * Validates and completes migration options before anything is created. Every problem is reported at once, so a
 * caller fixes its request in one go.
 */
export function parseMigrationOptions(
  input: MigrationOptionsInput,
  cloud: string,
  now: Date = new Date(),
): MigrationOptions {
  const problems: string[] = [];
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return fallback;
    }
  };
  const mode = attempt(() => pick<MigrationMode>(input.mode, ['cold', 'warm'], 'cold', 'mode'), 'cold');
  const pipeline = attempt(
    () => pick<PipelineChoice>(input.pipeline, ['auto', 'nbd', 'http'], 'auto', 'pipeline'),
    'auto',
  );
  const cutover = attempt(
    () => pick<CutoverMode>(input.cutover, ['manual', 'auto', 'scheduled'], 'manual', 'cutover'),
    'manual',
  );
  const conversion = attempt(
    () => pick<ConversionChoice>(input.conversion, ['auto', 'none', 'minimal', 'full'], 'auto', 'conversion'),
    'auto',
  );
  let cutoverAt: string | null = null;
  if (input.cutoverAt) {
    const at = new Date(input.cutoverAt);
    if (Number.isNaN(at.getTime())) problems.push(`cutoverAt "${input.cutoverAt}" is not an ISO date-time`);
    else if (at.getTime() < now.getTime() - 1000)
      problems.push(`cutoverAt ${input.cutoverAt} is in the past`);
    else cutoverAt = at.toISOString();
  }
  if (cutover === 'scheduled' && !input.cutoverAt) problems.push('cutover SCHEDULED needs cutoverAt');
  if (cutover !== 'scheduled' && input.cutoverAt)
    problems.push('cutoverAt is only used with cutover SCHEDULED');
  if (mode === 'cold' && input.cutover && cutover !== 'manual') {
    problems.push(
      'cutover modes apply to warm migrations only (a cold migration shuts the source down first)',
    );
  }
  if (mode === 'warm' && pipeline === 'http') {
    problems.push('warm migration needs the NBD pipeline (the HTTP pipeline copies whole files, no deltas)');
  }
  const interval = input.deltaIntervalSeconds ?? 300;
  if (!Number.isInteger(interval) || interval < 1 || interval > 86400) {
    problems.push('deltaIntervalSeconds must be an integer between 1 and 86400');
  }
  const autoBytes = input.autoCutoverBytes ?? 64 * 1024 * 1024;
  if (!Number.isFinite(autoBytes) || autoBytes < 0) problems.push('autoCutoverBytes must be >= 0');
  if (problems.length > 0) {
    throw new FfoError(ErrorCode.BAD_INPUT, `invalid migration options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  return {
    mode,
    pipeline,
    cutover,
    cutoverAt,
    deltaIntervalSeconds: interval,
    autoCutoverBytes: autoBytes,
    flavorOverride: input.flavorOverride ?? null,
    project: input.project ?? null,
    cloud,
    conversion,
    verifyChecksums: input.verifyChecksums ?? false,
    powerOnSourceAfter: input.powerOnSourceAfter ?? false,
  };
}
