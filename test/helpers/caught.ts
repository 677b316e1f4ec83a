/** The error a promise rejects with, typed as Canon's error; fails the test when it resolves. */
import type { CanonError } from '../../src/index.js';

export async function caught(promise: Promise<unknown>): Promise<CanonError> {
  try {
    await promise;
  } catch (err) {
    return err as CanonError;
  }
  throw new Error('expected a rejection');
}
