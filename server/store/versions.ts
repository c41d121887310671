import { claim } from './claim.js';

// An insert-only sequence (assessment versions, document versions and revisions) is kept in records
// `<id>:<n>`; the item itself is a cache of its latest record. Two writers starting from the same item
// both try to insert record n + 1: the unique `_id` lets exactly one through. The loser first brings
// the item up to the records stored past it (the winner may have died before updating the item), then
// either gives up (an edit made from a stale version: 409) or tries the number after.

/** What claiming came to: `won` when a record was inserted; `doc` is the item it was made from, caught up. */
export interface ClaimOutcome<T> {
  won: boolean;
  doc: T;
}

/**
 * Claims the next number of `current`'s sequence by inserting `insert(doc)`'s record; on a collision
 * catches `doc` up (`catchUp`) and, up to `attempts` times in all, tries again on top of it.
 */
export async function claimNext<T>(current: T, insert: (doc: T) => Promise<unknown>, catchUp: (doc: T) => Promise<T>, attempts = 1): Promise<ClaimOutcome<T>> {
  let doc = current;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await claim(() => insert(doc))) return { won: true, doc };
    doc = await catchUp(doc);
  }
  return { won: false, doc };
}

/**
 * Walks an item forward past the records stored beyond it: `next(doc)` reads record n + 1 and
 * answers the item with it applied, or null when there is none. Answers the item and whether it moved.
 */
export async function catchUp<T>(doc: T, next: (doc: T) => Promise<T | null>): Promise<{ doc: T; moved: boolean }> {
  let current = doc;
  let moved = false;
  for (;;) {
    const ahead = await next(current);
    if (!ahead) return { doc: current, moved };
    current = ahead;
    moved = true;
  }
}
