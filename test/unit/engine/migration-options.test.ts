import { parseMigrationOptions } from '../../../src/engine/migration-options.js';
import { ErrorCode } from '../../../src/errors/index.js';
import { refusal } from '../support/refusal.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');

const problemsOf = (input: Parameters<typeof parseMigrationOptions>[0]): string[] => {
  const error = refusal(() => parseMigrationOptions(input, 'devstack', NOW));
  expect(error.code).toBe(ErrorCode.BAD_INPUT);
  return error.details.problems as string[];
};

describe('parseMigrationOptions', () => {
  it('completes an empty request with the documented defaults', () => {
    expect(parseMigrationOptions({}, 'devstack', NOW)).toEqual({
      mode: 'cold',
      pipeline: 'auto',
      cutover: 'manual',
      cutoverAt: null,
      deltaIntervalSeconds: 300,
      autoCutoverBytes: 64 * 1024 * 1024,
      flavorOverride: null,
      project: null,
      cloud: 'devstack',
      conversion: 'auto',
      verifyChecksums: false,
      powerOnSourceAfter: false,
    });
  });

  it('treats null and empty strings like absent values', () => {
    const options = parseMigrationOptions(
      {
        mode: null,
        pipeline: '',
        cutover: null,
        cutoverAt: null,
        deltaIntervalSeconds: null,
        autoCutoverBytes: null,
        flavorOverride: null,
        project: null,
        conversion: '',
        verifyChecksums: null,
        powerOnSourceAfter: null,
      },
      'c1',
      NOW,
    );
    expect(options).toEqual(parseMigrationOptions({}, 'c1', NOW));
  });

  it('parses enum values case-insensitively (GraphQL upper-case, CLI lower-case)', () => {
    const upper = parseMigrationOptions(
      { mode: 'WARM', pipeline: 'NBD', cutover: 'AUTO', conversion: 'MINIMAL' },
      'devstack',
      NOW,
    );
    expect([upper.mode, upper.pipeline, upper.cutover, upper.conversion]).toEqual([
      'warm',
      'nbd',
      'auto',
      'minimal',
    ]);
    const mixed = parseMigrationOptions(
      { mode: 'Cold', pipeline: 'Http', conversion: 'None' },
      'devstack',
      NOW,
    );
    expect([mixed.mode, mixed.pipeline, mixed.cutover, mixed.conversion]).toEqual([
      'cold',
      'http',
      'manual',
      'none',
    ]);
  });

  it('keeps the explicit values of every other option', () => {
    const options = parseMigrationOptions(
      {
        mode: 'warm',
        cutover: 'scheduled',
        cutoverAt: '2030-06-02T00:00:00+02:00',
        deltaIntervalSeconds: 86400,
        autoCutoverBytes: 0,
        flavorOverride: 'm1.large',
        project: 'demo',
        conversion: 'full',
        verifyChecksums: true,
        powerOnSourceAfter: true,
      },
      'devstack',
      NOW,
    );
    expect(options).toEqual({
      mode: 'warm',
      pipeline: 'auto',
      cutover: 'scheduled',
      // normalised to UTC ISO
      cutoverAt: '2030-06-01T22:00:00.000Z',
      deltaIntervalSeconds: 86400,
      autoCutoverBytes: 0,
      flavorOverride: 'm1.large',
      project: 'demo',
      cloud: 'devstack',
      conversion: 'full',
      verifyChecksums: true,
      powerOnSourceAfter: true,
    });
  });

  it('accepts an explicit manual cutover on a cold migration', () => {
    expect(parseMigrationOptions({ mode: 'cold', cutover: 'MANUAL' }, 'devstack', NOW).cutover).toBe(
      'manual',
    );
  });

  it('refuses a warm migration over the HTTP pipeline', () => {
    expect(problemsOf({ mode: 'warm', pipeline: 'http' })).toEqual([
      'warm migration needs the NBD pipeline (the HTTP pipeline copies whole files, no deltas)',
    ]);
  });

  it('refuses a scheduled cutover without cutoverAt', () => {
    expect(problemsOf({ mode: 'warm', cutover: 'scheduled' })).toEqual(['cutover SCHEDULED needs cutoverAt']);
  });

  it('refuses a cutoverAt in the past but tolerates one second of clock skew', () => {
    expect(problemsOf({ mode: 'warm', cutover: 'scheduled', cutoverAt: '2030-06-01T11:59:58.999Z' })).toEqual(
      ['cutoverAt 2030-06-01T11:59:58.999Z is in the past'],
    );
    const skewed = parseMigrationOptions(
      { mode: 'warm', cutover: 'scheduled', cutoverAt: '2030-06-01T11:59:59.000Z' },
      'devstack',
      NOW,
    );
    expect(skewed.cutoverAt).toBe('2030-06-01T11:59:59.000Z');
  });

  it('refuses a cutoverAt that is not a date', () => {
    expect(problemsOf({ mode: 'warm', cutover: 'scheduled', cutoverAt: 'tomorrow' })).toEqual([
      'cutoverAt "tomorrow" is not an ISO date-time',
    ]);
  });

  it('refuses a cutoverAt without a scheduled cutover', () => {
    expect(problemsOf({ mode: 'warm', cutover: 'auto', cutoverAt: '2030-07-01T00:00:00Z' })).toEqual([
      'cutoverAt is only used with cutover SCHEDULED',
    ]);
    expect(problemsOf({ mode: 'warm', cutoverAt: '2030-07-01T00:00:00Z' })).toEqual([
      'cutoverAt is only used with cutover SCHEDULED',
    ]);
  });

  it('refuses a non-manual cutover on a cold migration', () => {
    const coldOnly =
      'cutover modes apply to warm migrations only (a cold migration shuts the source down first)';
    expect(problemsOf({ cutover: 'auto' })).toEqual([coldOnly]);
    expect(problemsOf({ mode: 'COLD', cutover: 'scheduled', cutoverAt: '2030-07-01T00:00:00Z' })).toEqual([
      coldOnly,
    ]);
  });

  it.each([0, -5, 1.5, 86401, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses deltaIntervalSeconds %p',
    (deltaIntervalSeconds) => {
      expect(problemsOf({ mode: 'warm', deltaIntervalSeconds })).toEqual([
        'deltaIntervalSeconds must be an integer between 1 and 86400',
      ]);
    },
  );

  it('accepts the bounds of deltaIntervalSeconds', () => {
    expect(parseMigrationOptions({ deltaIntervalSeconds: 1 }, 'c', NOW).deltaIntervalSeconds).toBe(1);
    expect(parseMigrationOptions({ deltaIntervalSeconds: 86400 }, 'c', NOW).deltaIntervalSeconds).toBe(86400);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses autoCutoverBytes %p', (autoCutoverBytes) => {
    expect(problemsOf({ mode: 'warm', autoCutoverBytes })).toEqual(['autoCutoverBytes must be >= 0']);
  });

  it('names each unknown enum value with the allowed values', () => {
    expect(problemsOf({ mode: 'hot' })).toEqual(['mode must be one of cold, warm (got "hot")']);
    expect(problemsOf({ pipeline: 'ftp' })).toEqual(['pipeline must be one of auto, nbd, http (got "ftp")']);
    expect(problemsOf({ mode: 'warm', cutover: 'LATER' })).toEqual([
      'cutover must be one of manual, auto, scheduled (got "LATER")',
    ]);
    expect(problemsOf({ conversion: 'max' })).toEqual([
      'conversion must be one of auto, none, minimal, full (got "max")',
    ]);
  });

  it('collects every problem into one BAD_INPUT, in a stable order', () => {
    const error = refusal(() =>
      parseMigrationOptions(
        {
          mode: 'warm',
          pipeline: 'http',
          cutover: 'scheduled',
          conversion: 'bogus',
          deltaIntervalSeconds: 0,
          autoCutoverBytes: -1,
        },
        'devstack',
        NOW,
      ),
    );
    const problems = [
      'conversion must be one of auto, none, minimal, full (got "bogus")',
      'cutover SCHEDULED needs cutoverAt',
      'warm migration needs the NBD pipeline (the HTTP pipeline copies whole files, no deltas)',
      'deltaIntervalSeconds must be an integer between 1 and 86400',
      'autoCutoverBytes must be >= 0',
    ];
    expect(error.code).toBe(ErrorCode.BAD_INPUT);
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ problems });
    expect(error.message).toBe(`invalid migration options: ${problems.join('; ')}`);
  });

  it('reports a past cutoverAt and a missing SCHEDULED together', () => {
    expect(problemsOf({ mode: 'warm', cutoverAt: '2000-01-01T00:00:00Z' })).toEqual([
      'cutoverAt 2000-01-01T00:00:00Z is in the past',
      'cutoverAt is only used with cutover SCHEDULED',
    ]);
  });
});
