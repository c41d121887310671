import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import { Semaphore } from './semaphore.js';

// OWASP's argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

// A login storm queues here instead of taking every core (and 19 MiB a hash) at once.
const hashing = new Semaphore(Math.max(1, availableParallelism()), 200);

let dummyHash: Promise<string> | undefined;

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => argon2.hash(password, OPTIONS));
}

/** Checks a password against a stored hash; false for a malformed hash. */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashing.run(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

/** Computes the dummy hash ahead of the first sign-in, so even that one is not slower for unknown emails. */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('partner-hub-dummy-password');
  return dummyHash;
}

/** Spends the same time as a real check, so an unknown email answers like a wrong password. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(await prepareDummyHash(), password);
  return false;
}
