// FerretDB 1.24 applies updates as read-then-write, so a conditional update lets several writers win.
// Whatever must happen once (a version number, a spent token, a sequence number) is claimed by
// inserting a document with a unique key: the database lets exactly one insert through.

/** Whether a database error is a unique-key collision (MongoDB and FerretDB both answer code 11000). */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/**
 * Runs `insert`; answers true when it stored, false when the key was already taken. Any other
 * error is thrown.
 */
export async function claim(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
