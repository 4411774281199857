import { ErrorCode, FfoError } from '../errors/index.js';

/** The named cloud, or the only configured one; BAD_INPUT when the caller must choose. */
export function chooseCloud(
  cloud: string | null | undefined,
  configured: readonly string[],
  what = 'this',
): string {
  if (cloud) return cloud;
  if (configured.length === 1) return configured[0]!;
  throw new FfoError(
    ErrorCode.BAD_INPUT,
    `${what} needs the target cloud named (configured: ${configured.join(', ') || 'none'})`,
  );
}
