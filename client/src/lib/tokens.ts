/** Tokens of the signed-in session: the access token lives in memory only, the refresh token in this tab's sessionStorage. */

import type { TokenSet } from '../../../shared/schemas/account.js';

export type { TokenSet };

/** What a refresh came to: new tokens, the session is over, or the hub could not be reached. */
export type RefreshOutcome = 'ok' | 'ended' | 'offline';

/** Calls POST /api/auth/refresh; resolves to null when the hub answers 401 (token spent or session ended). */
export type Refresher = (refreshToken: string) => Promise<TokenSet | null>;

const REFRESH_KEY = 'partner-hub.refresh-token';
// Refresh this long before the access token expires, so a slow connection still makes it in time.
const EARLY_SECONDS = 60;
const MIN_DELAY_MS = 5_000;

/** The part of Web Storage used here (typed locally so the module also runs under Node in tests). */
interface TabStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

// sessionStorage: per tab, gone when the tab closes; never localStorage, which every tab shares and keeps.
function storage(): TabStorage | null {
  try {
    return (globalThis as { sessionStorage?: TabStorage }).sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** Keeps the tokens, refreshes them before expiry and serialises refreshes (each refresh token works once). */
export class TokenKeeper {
  #access: string | null = null;
  #expiresAt = 0;
  #refreshing: Promise<RefreshOutcome> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refresher: Refresher | undefined;

  /** Called after every successful refresh with the new access token (the socket uses it). */
  onRenewed: ((accessToken: string) => void) | undefined;
  /** Called once when a refresh proves the session is over. */
  onEnded: (() => void) | undefined;

  /** Wires the call that actually talks to the hub; api.ts does it. */
  useRefresher(refresher: Refresher): void {
    this.#refresher = refresher;
  }

  /** The current access token, if any. */
  get access(): string | null {
    return this.#access;
  }

  /** Whether this tab holds a refresh token (a reload can resume the session). */
  get canResume(): boolean {
    return Boolean(storage()?.getItem(REFRESH_KEY));
  }

  /** The refresh token, for sign-out. */
  get refreshToken(): string | null {
    return storage()?.getItem(REFRESH_KEY) ?? null;
  }

  /** Whether the access token is missing or about to expire. */
  get stale(): boolean {
    return !this.#access || Date.now() > this.#expiresAt - EARLY_SECONDS * 1000;
  }

  /** Stores a fresh token set and schedules the next silent refresh. */
  set(tokens: TokenSet): void {
    this.#access = tokens.accessToken;
    this.#expiresAt = Date.now() + tokens.expiresIn * 1000;
    storage()?.setItem(REFRESH_KEY, tokens.refreshToken);
    this.#schedule(tokens.expiresIn);
  }

  /** Forgets everything (sign-out, session ended). */
  clear(): void {
    this.#access = null;
    this.#expiresAt = 0;
    clearTimeout(this.#timer);
    storage()?.removeItem(REFRESH_KEY);
  }

  /**
   * Spends the refresh token for a new pair. Concurrent callers share one request: two 401s at once
   * must not both present the same token, which the hub would treat as reuse and end the session.
   */
  refresh(): Promise<RefreshOutcome> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(): Promise<RefreshOutcome> {
    const refreshToken = this.refreshToken;
    if (!refreshToken || !this.#refresher) return this.#end();
    let tokens: TokenSet | null;
    try {
      tokens = await this.#refresher(refreshToken);
    } catch {
      // Weak connection: keep the refresh token and try again a little later.
      this.#scheduleRetry();
      return 'offline';
    }
    if (!tokens) return this.#end();
    this.set(tokens);
    this.onRenewed?.(tokens.accessToken);
    return 'ok';
  }

  #end(): RefreshOutcome {
    const hadSession = this.#access !== null || this.canResume;
    this.clear();
    if (hadSession) this.onEnded?.();
    return 'ended';
  }

  #schedule(expiresIn: number): void {
    clearTimeout(this.#timer);
    const delay = Math.max(MIN_DELAY_MS, (expiresIn - EARLY_SECONDS) * 1000);
    this.#timer = setTimeout(() => void this.refresh(), delay);
  }

  #scheduleRetry(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), 15_000);
  }
}
