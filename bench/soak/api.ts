import type { SoakUser, World } from './setup.js';
import { assessmentBody } from './setup.js';

/** One kind of API request of the steady load, and how often it is made. */
export interface ApiTarget {
  name: string;
  perSecond: number;
  /** The n-th request: method, path (under the hub's origin), body, as whom. */
  request(n: number): { method: string; path: string; body?: unknown; token?: string };
}

/** What the steady load measured, per target and per minute. */
export interface ApiTally {
  name: string;
  perSecond: number;
  requests: number;
  /** Answers outside 2xx, by status (0: no answer within the timeout or a network error). */
  failures: Record<number, number>;
  firstFailure?: string;
  /** ms per request, by minute of the soak. */
  minutes: number[][];
}

const TIMEOUT_MS = 30_000;

/** The soak's API mix: a health baseline, lists and reads of assessments, room history, documents, new drafts. */
export function apiTargets(world: World, perSecond: number): ApiTarget[] {
  const member = (n: number): SoakUser => world.members[n % world.members.length]!;
  const pick = <T>(items: T[], n: number) => items[n % items.length]!;
  return [
    { name: 'GET /api/health (baseline)', perSecond: 1, request: () => ({ method: 'GET', path: '/api/health' }) },
    { name: 'GET /api/assessments?limit=50', perSecond, request: (n) => ({ method: 'GET', path: '/api/assessments?limit=50', token: member(n * 7).token }) },
    {
      name: 'GET /api/assessments/:id',
      perSecond,
      request: (n) => ({ method: 'GET', path: `/api/assessments/${pick(world.assessments, n)}`, token: member(n * 11).token }),
    },
    {
      name: 'GET /api/rooms/:id/messages?after=…&limit=50',
      perSecond,
      request: (n) => {
        // A member of the room (its Office members are members of every room), reading from a point in the history.
        const room = pick(world.rooms, n);
        const readers = world.members.filter((m) => room.organisations.includes(m.organisationId));
        return { method: 'GET', path: `/api/rooms/${room.id}/messages?after=${(n * 37) % 200}&limit=50`, token: pick(readers, n).token };
      },
    },
    { name: 'GET /api/documents?limit=50', perSecond, request: (n) => ({ method: 'GET', path: '/api/documents?limit=50', token: member(n * 13).token }) },
    {
      name: 'POST /api/assessments (draft)',
      perSecond: Math.max(1, perSecond / 2),
      request: (n) => ({
        method: 'POST',
        path: '/api/assessments',
        body: assessmentBody(1000 + n, { scope: 'organisation', organisations: [] }),
        token: pick(world.analysts, n).token,
      }),
    },
  ];
}

/**
 * An open-loop load: each target's requests start on the clock (never waiting for the previous
 * answer), alternating between the hub's processes, until `stop()`; `done()` then waits for the answers.
 */
export function startApiLoad(ports: number[], targets: ApiTarget[]) {
  const started = performance.now();
  const tallies: ApiTally[] = targets.map((t) => ({ name: t.name, perSecond: t.perSecond, requests: 0, failures: {}, minutes: [] }));
  const inFlight = new Set<Promise<void>>();
  const issued = targets.map(() => 0);

  const fire = (t: number) => {
    const n = issued[t]!++;
    const tally = tallies[t]!;
    const { method, path, body, token } = targets[t]!.request(n);
    const at = performance.now();
    const minute = Math.floor((at - started) / 60_000);
    tally.requests++;
    const fail = (status: number, detail: string) => {
      tally.failures[status] = (tally.failures[status] ?? 0) + 1;
      tally.firstFailure ??= `${method} ${path} → ${status} ${detail.slice(0, 160)}`;
    };
    const request = fetch(`http://127.0.0.1:${ports[n % ports.length]}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).then(
      async (res) => {
        const text = await res.text();
        while (tally.minutes.length <= minute) tally.minutes.push([]);
        tally.minutes[minute]!.push(performance.now() - at);
        if (res.status < 200 || res.status >= 300) fail(res.status, text);
      },
      (error: unknown) => fail(0, error instanceof Error ? error.message : String(error)),
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };

  const timer = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    // Target t starts a fraction of its interval late, so the mix does not arrive in bursts.
    targets.forEach((target, t) => {
      const due = Math.max(0, Math.floor(elapsed * target.perSecond - t / targets.length) + 1);
      while (issued[t]! < due) fire(t);
    });
  }, 10);

  return {
    tallies,
    stop() {
      clearInterval(timer);
    },
    async done() {
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
