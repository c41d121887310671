import type { Principal } from './principal.js';
import type { PrincipalRead } from './principalLoader.js';
import type { AccessClaims } from './tokens.js';

// Reading a principal costs three database round trips and a user's requests come in bursts, so each
// process keeps a session's principal for TTL_MS, for HTTP reads and sockets alike. A service that ends
// a session or changes a user or an organisation awaits changed() before it answers: the copies are
// dropped here and on every other process (principalFanout.ts, through Redis) by then. TTL_MS bounds
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

type Claims = Pick<AccessClaims, 'sub' | 'sid'>;

interface Entry {
  principal: Principal;
  userId: string;
  organisationId: string;
  readAt: number;
  sessionExpiresAt: number;
}

const keyOf = (claims: Claims) => `${claims.sub}:${claims.sid}`;

/** A process's kept principals: built once by the hub (domain.ts) and handed to HTTP auth, sockets and services. */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, { userId: string; promise: Promise<Principal | null> }>();
  // Bumped by every change: a read that began before one is handed to its callers but never kept.
  private generation = 0;
  private fanout: PrincipalFanout | null = null;

  /** `read` reads a principal from the database, `readMany` many at once, in the order asked (principalLoader.ts). */
  constructor(
    private readonly read: (claims: Claims) => Promise<PrincipalRead | null>,
    private readonly readMany: (claims: Claims[]) => Promise<(PrincipalRead | null)[]> = (all) => Promise.all(all.map(read)),
  ) {}

  /**
   * Reads the principals of many claims from the database at once and keeps them as fresh (the socket
   * sweep renews every connected socket's this way, in one query per collection); answers each, null for
   * a session that no longer holds. A change during the read is handed over but not kept, as in `fresh`.
   */
  async renew(claims: Claims[]): Promise<(Principal | null)[]> {
    const startedAt = this.generation;
    // A copy is as old as the read that began before it: a slow read must not make it look younger.
    const readAt = performance.now();
    const reads = await this.readMany(claims);
    return claims.map((c, i) => {
      const read = reads[i];
      const key = keyOf(c);
      if (!read) {
        this.entries.delete(key);
        return null;
      }
      if (this.generation === startedAt) this.keep(key, this.entryOf(c, read, readAt));
      return read.principal;
    });
  }

  /** Drops this process's copies that `change` makes stale, and the reads of them still in flight. */
  forget(change: PrincipalChange | 'all'): void {
    this.generation++;
    const stale = (e: { userId: string; organisationId?: string }) =>
      change === 'all' || ('userId' in change ? e.userId === change.userId : e.organisationId === change.organisationId);
    for (const [key, entry] of this.entries) if (stale(entry)) this.entries.delete(key);
    // A read in flight has no organisation yet: an organisation's change drops them all.
    for (const [key, read] of this.loading) if (change === 'all' || !('userId' in change) || stale(read)) this.loading.delete(key);
  }

  /** Drops the copies `change` makes stale on this process, then on every other; resolves once they are gone. */
  async changed(change: PrincipalChange): Promise<void> {
    this.forget(change);
    await this.fanout?.announce(change);
  }

  /** Installs how changes reach the other processes; returns the function that removes it again. */
  useFanout(next: PrincipalFanout): () => void {
    this.fanout = next;
    this.forget('all');
    return () => {
      if (this.fanout === next) this.fanout = null;
    };
  }

  /** Reads the principal from the database now and keeps it, unless a change came while it was read. */
  fresh(claims: Claims): Promise<Principal | null> {
    const key = keyOf(claims);
    const startedAt = this.generation;
    const readAt = performance.now();
    const promise = this.read(claims).then(
      (read) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        if (!read) {
          this.entries.delete(key);
          return null;
        }
        if (this.generation === startedAt) this.keep(key, this.entryOf(claims, read, readAt));
        return read.principal;
      },
      (error: unknown) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, { userId: claims.sub, promise });
    return promise;
  }

  /**
   * The principal of verified claims: the kept copy while it is younger than `maxAgeMs` (and this process
   * hears the others' notices); otherwise one database read, shared by the callers that wait for it.
   */
  cached(claims: Claims, maxAgeMs = TTL_MS): Promise<Principal | null> {
    if (this.fanout && !this.fanout.listening()) return this.fresh(claims);
    const key = keyOf(claims);
    const hit = this.entries.get(key);
    if (hit && performance.now() - hit.readAt < maxAgeMs && hit.sessionExpiresAt > Date.now()) return Promise.resolve(hit.principal);
    return this.loading.get(key)?.promise ?? this.fresh(claims);
  }

  private entryOf(claims: Claims, read: PrincipalRead, readAt: number): Entry {
    return {
      principal: read.principal,
      userId: claims.sub,
      organisationId: read.principal.organisation._id.toString(),
      readAt,
      sessionExpiresAt: read.sessionExpiresAt.getTime(),
    };
  }

  private keep(key: string, entry: Entry): void {
    // Past the cap the oldest entry goes first (a Map iterates in insertion order).
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.delete(key); // set again below, as the newest
    this.entries.set(key, entry);
  }
}
