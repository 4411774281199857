import { describe, expect, it } from '@jest/globals';
import { parseFleetOptions } from '../../../src/fleet/fleet-options.js';

describe('parseFleetOptions', () => {
  it('completes defaults: pause on failure, capacity respected, warm fleets cut over automatically', () => {
    const cold = parseFleetOptions({}, 'lab');
    expect(cold).toMatchObject({
      cloud: 'lab',
      concurrency: 4,
      failurePolicy: 'pause',
      maxRetries: 2,
      respectCapacity: true,
      perHostLimit: null,
    });
    expect(parseFleetOptions({ mode: 'WARM' }, 'lab').migration).toMatchObject({
      mode: 'warm',
      cutover: 'auto',
    });
    expect(parseFleetOptions({ failurePolicy: 'SKIP' }, 'lab').failurePolicy).toBe('skip');
  });

  it('refuses every bad option at once with BAD_INPUT', () => {
    let caught: unknown;
    try {
      parseFleetOptions(
        { concurrency: 0, perHostLimit: 1.5, failurePolicy: 'IGNORE', maxRetries: -1, conversion: 'magic' },
        'lab',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'BAD_INPUT' });
    const problems = (caught as { details: { problems: string[] } }).details.problems;
    expect(problems).toHaveLength(5);
    expect(problems.join(' ')).toMatch(/concurrency.*perHostLimit.*maxRetries.*failurePolicy.*conversion/s);
  });
});
