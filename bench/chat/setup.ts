import { randomBytes } from 'node:crypto';
import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD } from '../../test/helpers/process.js';

/** Who takes part: one room of the Office and four partner organisations, and a signed-in user per client. */
export interface Audience {
  roomId: string;
  tokens: string[];
  /** How long creating and signing in the users took, in seconds. */
  seconds: number;
}

/** One JSON API call; throws on any answer that is not 2xx. */
export async function call<T>(port: number, method: string, route: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function signIn(port: number, email: string, password: string) {
  return call<{ accessToken: string; user: { organisationId: string } }>(port, 'POST', '/api/auth/login', { email, password });
}

/** Runs `work` over `items`, `concurrency` at a time, keeping the order of the answers. */
async function pooled<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, i);
      }
    }),
  );
  return out;
}

/**
 * As the Office admin, through the API: four partner organisations, a room of the Office and all
 * four, and `users` members spread over the five organisations, each signed in once (a user's
 * token serves their socket; distinct users keep every sender under the per-user limit).
 */
export async function createAudience(port: number, users: number): Promise<Audience> {
  const started = performance.now();
  const admin = await signIn(port, PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD);
  const run = randomBytes(3).toString('hex');
  const partners = await Promise.all(
    ['au', 'ecowas', 'igad', 'las'].map((slug) =>
      call<{ id: string }>(
        port,
        'POST',
        '/api/organisations',
        { slug: `bench-${slug}-${run}`, name: `Bench ${slug.toUpperCase()}`, kind: 'regional' },
        admin.accessToken,
      ),
    ),
  );
  const organisations = [admin.user.organisationId, ...partners.map((p) => p.id)];
  const room = await call<{ id: string }>(
    port,
    'POST',
    '/api/rooms',
    { name: 'Benchmark situation room', country: 'SDN', organisations: partners.map((p) => p.id) },
    admin.accessToken,
  );
  const tokens = await pooled(
    Array.from({ length: users }, (_, i) => i),
    4,
    async (i) => {
      const email = `bench-${run}-${i}@bench.test`;
      const password = `bench-password-${run}-${i}`;
      await call(
        port,
        'POST',
        `/api/organisations/${organisations[i % organisations.length]}/users`,
        { email, name: `Bench user ${i}`, role: 'member', password },
        admin.accessToken,
      );
      return (await signIn(port, email, password)).accessToken;
    },
  );
  return { roomId: room.id, tokens, seconds: (performance.now() - started) / 1000 };
}
