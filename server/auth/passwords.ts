import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { Semaphore } from './semaphore.js';

// OWASP's argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane.
// algorithm 2 is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const OPTIONS = { algorithm: 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

// A login storm queues here instead of taking every core (and 19 MiB a hash) at once.
const hashing = new Semaphore(Math.max(1, availableParallelism()), 200);

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => hash(password, OPTIONS));
}

/** Checks a password against a stored hash; false for a malformed hash. */
export function verifyPassword(stored: string, password: string): Promise<boolean> {
  return hashing.run(async () => {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  });
}

/** A hash no password matches, computed at start so that even the first sign-in of an unknown email is not faster. */
export function dummyHash(): Promise<string> {
  return hashPassword('partner-hub-dummy-password');
}

/** Spends the same time as a real check against `dummy` (dummyHash), so an unknown email answers like a wrong password. */
export async function verifyAgainstDummy(dummy: Promise<string>, password: string): Promise<false> {
  await verifyPassword(await dummy, password);
  return false;
}
