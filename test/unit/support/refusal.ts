import { FfoError } from '../../../src/errors/index.js';

/** The FfoError a call that must refuse throws; fails the test when it throws nothing (or something else). */
export function refusal(fn: () => unknown): FfoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FfoError) return error;
    throw error;
  }
  throw new Error('expected an FfoError, nothing was thrown');
}
