/**
 * A broken invariant is a bug: it throws and is never caught in the core. Assertions stay on in
 * production, and each checks one condition so the message says which one broke.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
