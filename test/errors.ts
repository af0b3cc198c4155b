// The TinyforgeError a call throws, for tests that then check its code, location and hint.
import { TinyforgeError } from '../src/diagnostics.ts';

/** The TinyforgeError `fn` throws; anything else thrown is rethrown, and
 *  returning normally fails the test. */
export function errorOf(fn: () => unknown): TinyforgeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TinyforgeError) return e;
    throw e;
  }
  throw new Error('expected a TinyforgeError');
}

/** errorOf for async calls. */
export async function asyncErrorOf(fn: () => unknown): Promise<TinyforgeError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof TinyforgeError) return e;
    throw e;
  }
  throw new Error('expected a TinyforgeError');
}
