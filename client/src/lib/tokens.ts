/**
 * Tokens of the signed-in session: the access token lives in memory only, the refresh token in this
 * tab's sessionStorage. The tabs of one browser share one session (docs/security.md, "One session
 * across tabs"): a new tab asks the others over a BroadcastChannel, one tab at a time refreshes (a Web
 * Lock), the new pair goes to every tab, and signing out in one tab signs out all.
 */

import type { TokenSet } from '../../../shared/schemas/account.js';

export type { TokenSet };

/** What a refresh came to: new tokens, the session is over, or the hub could not be reached. */
export type RefreshOutcome = 'ok' | 'ended' | 'offline';

/** Calls POST /api/auth/refresh; resolves to null when the hub answers 401 (token spent or session ended). */
export type Refresher = (refreshToken: string) => Promise<TokenSet | null>;

const REFRESH_KEY = 'partner-hub.refresh-token';
const CHANNEL = 'partner-hub.session';
const LOCK = 'partner-hub.refresh';
// How long a new tab waits for another tab to hand it the session, and a refreshing tab for the newest pair.
const JOIN_WAIT_MS = 400;
const SYNC_WAIT_MS = 150;

/** What the tabs of one browser tell each other (same origin only: a BroadcastChannel never leaves it). */
type TabMessage =
  { type: 'ask' } | { type: 'tokens'; why: 'answer' | 'renewed' | 'signed-in'; tokens: TokenSet; expiresAt: number } | { type: 'ended'; reason: string };

interface TabChannel {
  postMessage(message: TabMessage): void;
  onmessage: ((event: { data: TabMessage }) => void) | null;
}

// The channel between this browser's tabs; none outside a browser (tests under Node keep each keeper alone).
function openChannel(): TabChannel | null {
  const scope = globalThis as unknown as { window?: unknown; BroadcastChannel?: new (name: string) => TabChannel };
  if (!scope.window || !scope.BroadcastChannel) return null;
  return new scope.BroadcastChannel(CHANNEL);
}

// One tab of the browser at a time (Web Locks); where there are none, this tab's own queue suffices.
function exclusively<T>(task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: { request(name: string, run: () => Promise<T>): Promise<T> } } }).navigator?.locks;
  return locks ? locks.request(LOCK, task) : task();
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
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
  /** Called when another tab ended the session (signed out, expired, revoked), with its reason. */
  onPeerEnded: ((reason: string) => void) | undefined;
  /** Called when another tab signed in: this tab now holds that session. */
  onPeerSignedIn: (() => void) | undefined;

  readonly #channel = openChannel();
  // Whether another tab was ever heard from: only then does a refresh first ask for the newest pair.
  #peers = false;
  // Whether this tab asked the others for their pair and is listening for the answers.
  #asking = false;

  constructor() {
    if (this.#channel) this.#channel.onmessage = (event) => this.#hear(event.data);
  }

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

  /** Stores a fresh token set (of a sign-in, or a refresh) and schedules the next silent refresh; the other tabs get it too. */
  set(tokens: TokenSet, why: 'signed-in' | 'renewed' = 'renewed'): void {
    this.#keep({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn }, Date.now() + tokens.expiresIn * 1000);
    this.#post({ type: 'tokens', why, tokens: this.#current()!, expiresAt: this.#expiresAt });
  }

  /**
   * Forgets everything (sign-out, session ended). With a `reason` the other tabs end theirs too; a
   * tab that only heard of the end from another passes none.
   */
  clear(reason?: string): void {
    this.#access = null;
    this.#expiresAt = 0;
    clearTimeout(this.#timer);
    storage()?.removeItem(REFRESH_KEY);
    if (reason) this.#post({ type: 'ended', reason });
  }

  /**
   * A tab without a session of its own (a new tab) asks the others for theirs: true when one handed it
   * over (this tab then holds the same session, no password asked), false when none answered in time.
   */
  async join(): Promise<boolean> {
    if (!this.#channel) return false;
    await this.#ask(JOIN_WAIT_MS);
    return this.#access !== null;
  }

  /**
   * Spends the refresh token for a new pair. Concurrent callers share one request: two 401s at once
   * must not both present the same token, which the hub would treat as reuse and end the session.
   */
  refresh(): Promise<RefreshOutcome> {
    this.#refreshing ??= exclusively(() => this.#refreshOnce()).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  // Holding the lock: another tab may have refreshed just before; then its pair is the one to use (its
  // refresh token spent ours: presenting ours again would look like theft and end the session).
  async #refreshOnce(): Promise<RefreshOutcome> {
    const before = this.refreshToken;
    if (this.#peers) await this.#ask(SYNC_WAIT_MS);
    const now = this.refreshToken;
    if (now && now !== before && !this.stale) return 'ok';
    return this.#doRefresh();
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
    this.clear(hadSession ? 'session_expired' : undefined);
    if (hadSession) this.onEnded?.();
    return 'ended';
  }

  #keep(tokens: TokenSet, expiresAt: number): void {
    this.#access = tokens.accessToken;
    this.#expiresAt = expiresAt;
    storage()?.setItem(REFRESH_KEY, tokens.refreshToken);
    this.#schedule(Math.max(0, (expiresAt - Date.now()) / 1000));
  }

  // The pair this tab holds, as another tab would take it.
  #current(): TokenSet | null {
    const refreshToken = this.refreshToken;
    if (!this.#access || !refreshToken) return null;
    return { accessToken: this.#access, refreshToken, expiresIn: Math.max(0, Math.round((this.#expiresAt - Date.now()) / 1000)) };
  }

  #post(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  // Asks the other tabs for their pair and waits up to `ms` for the answers (the newest is kept).
  async #ask(ms: number): Promise<void> {
    this.#asking = true;
    this.#post({ type: 'ask' });
    await pause(ms);
    this.#asking = false;
  }

  #hear(message: TabMessage): void {
    this.#peers = true;
    if (message.type === 'ask') {
      const tokens = this.#current();
      if (tokens) this.#post({ type: 'tokens', why: 'answer', tokens, expiresAt: this.#expiresAt });
      return;
    }
    if (message.type === 'ended') {
      if (this.#access === null && !this.canResume) return;
      this.clear();
      this.onPeerEnded?.(message.reason);
      return;
    }
    // A sign-in in another tab: this tab takes that session too.
    if (message.why === 'signed-in') {
      this.#keep(message.tokens, message.expiresAt);
      this.onPeerSignedIn?.();
      return;
    }
    // A newer pair of the shared session: an answer this tab asked for, or another tab's refresh (kept
    // only by a tab that holds the session; the newest pair wins).
    const wanted = message.why === 'answer' ? this.#asking : this.#access !== null || this.canResume;
    if (wanted && message.expiresAt > this.#expiresAt) this.#keep(message.tokens, message.expiresAt);
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
