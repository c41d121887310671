import type { Principal } from './principal.js';
import { readPrincipal } from './principalLoader.js';
import type { AccessClaims } from './tokens.js';

// Reading a principal costs three database round trips and a user's requests come in bursts, so each
// process keeps a session's principal for TTL_MS, for HTTP reads and sockets alike. A service that ends
// a session or changes a user or an organisation awaits principalChanged() before it answers: the copies
// are dropped here and on every other process (principalFanout.ts, through Redis) by then. TTL_MS bounds
// only what that cannot reach: a process that stopped answering the notices.
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** Whose kept principals are stale: a user's (all their sessions), or every user's of an organisation. */
export type PrincipalChange = { userId: string } | { organisationId: string };

/** How changes reach the other processes of the hub (none: this process is the whole hub). */
export interface PrincipalFanout {
  /** Tells every other process; resolves once they all dropped their copies (or gave up waiting). */
  announce(change: PrincipalChange): Promise<void>;
  /** False while this process cannot hear the others' notices: its copies may not be trusted then. */
  listening(): boolean;
}

interface Entry {
  principal: Principal;
  userId: string;
  organisationId: string;
  readAt: number;
  sessionExpiresAt: number;
}

const entries = new Map<string, Entry>();
const loading = new Map<string, { userId: string; promise: Promise<Principal | null> }>();
// Bumped by every change: a read that began before one is handed to its callers but never kept.
let generation = 0;
let fanout: PrincipalFanout | null = null;

const keyOf = (claims: Pick<AccessClaims, 'sub' | 'sid'>) => `${claims.sub}:${claims.sid}`;

/** Drops this process's copies that `change` makes stale, and the reads of them still in flight. */
export function forgetPrincipals(change: PrincipalChange | 'all'): void {
  generation++;
  const stale = (e: { userId: string; organisationId?: string }) => change === 'all'
    || ('userId' in change ? e.userId === change.userId : e.organisationId === change.organisationId);
  for (const [key, entry] of entries) if (stale(entry)) entries.delete(key);
  // A read in flight has no organisation yet: an organisation's change drops them all.
  for (const [key, read] of loading) if (change === 'all' || !('userId' in change) || stale(read)) loading.delete(key);
}

/** Drops the copies `change` makes stale on this process, then on every other; resolves once they are gone. */
export async function principalChanged(change: PrincipalChange): Promise<void> {
  forgetPrincipals(change);
  await fanout?.announce(change);
}

/** Installs how changes reach the other processes; returns the function that removes it again. */
export function usePrincipalFanout(next: PrincipalFanout): () => void {
  fanout = next;
  forgetPrincipals('all');
  return () => {
    if (fanout === next) fanout = null;
  };
}

function keep(key: string, entry: Entry): void {
  // Past the cap the oldest entry goes first (a Map iterates in insertion order).
  if (entries.size >= MAX_ENTRIES && !entries.has(key)) entries.delete(entries.keys().next().value!);
  entries.delete(key); // set again below, as the newest
  entries.set(key, entry);
}

/** Reads the principal from the database now and keeps it, unless a change came while it was read. */
export function freshPrincipal(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<Principal | null> {
  const key = keyOf(claims);
  const startedAt = generation;
  const promise = readPrincipal(claims).then((read) => {
    if (loading.get(key)?.promise === promise) loading.delete(key);
    if (!read) {
      entries.delete(key);
      return null;
    }
    if (generation === startedAt) {
      const { principal } = read;
      keep(key, {
        principal, userId: claims.sub, organisationId: principal.organisation._id.toString(),
        readAt: performance.now(), sessionExpiresAt: read.sessionExpiresAt.getTime(),
      });
    }
    return read.principal;
  }, (error: unknown) => {
    if (loading.get(key)?.promise === promise) loading.delete(key);
    throw error;
  });
  loading.set(key, { userId: claims.sub, promise });
  return promise;
}

/**
 * The principal of verified claims: the kept copy while it is younger than `maxAgeMs` (and this process
 * hears the others' notices); otherwise one database read, shared by the callers that wait for it.
 */
export function cachedPrincipal(claims: Pick<AccessClaims, 'sub' | 'sid'>, maxAgeMs = TTL_MS): Promise<Principal | null> {
  if (fanout && !fanout.listening()) return freshPrincipal(claims);
  const key = keyOf(claims);
  const hit = entries.get(key);
  if (hit && performance.now() - hit.readAt < maxAgeMs && hit.sessionExpiresAt > Date.now()) return Promise.resolve(hit.principal);
  return loading.get(key)?.promise ?? freshPrincipal(claims);
}
