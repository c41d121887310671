import { expect } from 'chai';
import { ApiClient, ApiError } from '../../client/src/lib/api.js';
import { TokenKeeper } from '../../client/src/lib/tokens.js';

/** A stand-in for the tab's sessionStorage, so the client's token code runs under Node. */
class MemoryStorage {
  #items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('web app: tokens and the API client', () => {
  const realFetch = globalThis.fetch;
  const scope = globalThis as unknown as { sessionStorage?: unknown };
  let storage: MemoryStorage;
  let calls: { url: string; auth: string | null; body: string | null }[];

  function serve(handler: Handler): void {
    globalThis.fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = String(input);
      const headers = (init.headers ?? {}) as Record<string, string>;
      calls.push({ url, auth: headers.authorization ?? null, body: typeof init.body === 'string' ? init.body : null });
      return handler(url, init);
    }) as typeof fetch;
  }

  function signedIn(): { keeper: TokenKeeper; api: ApiClient } {
    const keeper = new TokenKeeper();
    const api = new ApiClient(keeper);
    keeper.set({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 900 });
    return { keeper, api };
  }

  beforeEach(() => {
    storage = new MemoryStorage();
    calls = [];
    scope.sessionStorage = storage;
  });

  afterEach(() => {
    globalThis.fetch = realFetch;
    delete scope.sessionStorage;
  });

  it('keeps the refresh token in sessionStorage and the access token in memory only', () => {
    const { keeper } = signedIn();
    expect(storage.getItem('partner-hub.refresh-token')).to.equal('refresh-1');
    expect(keeper.access).to.equal('access-1');
    keeper.clear();
    expect(storage.getItem('partner-hub.refresh-token')).to.equal(null);
  });

  it('spends the refresh token once when two calls meet a 401 together, then retries each once', async () => {
    let refreshes = 0;
    serve(async (url, init) => {
      if (url === '/api/auth/refresh') {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(JSON.parse(String(init.body))).to.deep.equal({ refreshToken: 'refresh-1' });
        return json(200, { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 });
      }
      const auth = (init.headers as Record<string, string>).authorization;
      return auth === 'Bearer access-2' ? json(200, { ok: url }) : json(401, { error: { code: 'unauthenticated', message: 'expired' } });
    });
    const { keeper, api } = signedIn();
    const [a, b] = await Promise.all([api.request('GET', '/api/me'), api.request('GET', '/api/organisations')]);
    expect(a).to.deep.equal({ ok: '/api/me' });
    expect(b).to.deep.equal({ ok: '/api/organisations' });
    expect(refreshes).to.equal(1);
    expect(storage.getItem('partner-hub.refresh-token')).to.equal('refresh-2');
    expect(calls.filter((call) => call.url === '/api/me').map((call) => call.auth)).to.deep.equal(['Bearer access-1', 'Bearer access-2']);
    keeper.clear();
  });

  it('ends the session when the refresh is refused, and says so once', async () => {
    serve((url) =>
      url === '/api/auth/refresh'
        ? json(401, { error: { code: 'unauthenticated', message: 'spent' } })
        : json(401, { error: { code: 'unauthenticated', message: 'expired' } }),
    );
    const { keeper, api } = signedIn();
    let ended = 0;
    keeper.onEnded = () => {
      ended += 1;
    };
    const failures = await Promise.allSettled([api.request('GET', '/api/me'), api.request('GET', '/api/me')]);
    for (const failure of failures) {
      expect(failure.status).to.equal('rejected');
      const reason = (failure as PromiseRejectedResult).reason as ApiError;
      expect(reason).to.be.instanceOf(ApiError);
      expect(reason).to.include({ status: 401, code: 'unauthenticated' });
    }
    expect(ended).to.equal(1);
    expect(keeper.canResume).to.equal(false);
    expect(calls.filter((call) => call.url === '/api/auth/refresh')).to.have.length(1);
  });

  it('keeps the refresh token when the hub cannot be reached', async () => {
    serve(() => {
      throw new TypeError('network down');
    });
    const { keeper } = signedIn();
    expect(await keeper.refresh()).to.equal('offline');
    expect(storage.getItem('partner-hub.refresh-token')).to.equal('refresh-1');
    keeper.clear();
  });

  it('turns an error answer into one ApiError with code, status and message', async () => {
    serve(() => json(409, { error: { code: 'conflict', message: 'slug taken' } }));
    const { keeper, api } = signedIn();
    try {
      await api.createOrganisation({ slug: 'au', name: 'African Union', kind: 'regional' });
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.be.instanceOf(ApiError);
      expect(error).to.include({ status: 409, code: 'conflict', message: 'slug taken' });
    }
    keeper.clear();
  });
});
