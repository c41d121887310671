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
// Each open tab holds a lock of this prefix with its own id, so a tab knows which others must answer it.
const TAB_LOCK = 'partner-hub.tab:';
// How long a tab waits for the answers of the open tabs: only a hung tab takes this long, a busy one answers.
const ANSWER_WAIT_MS = 5_000;
// Without Web Locks no tab is known: how long a new tab, and a refreshing tab, listen for answers.
const JOIN_WAIT_MS = 400;
const SYNC_WAIT_MS = 150;

/** What the tabs of one browser tell each other (same origin only: a BroadcastChannel never leaves it). */
type TabMessage =
  | { type: 'ask'; from: string }
  | { type: 'tokens'; why: 'renewed' | 'signed-in'; tokens: TokenSet; expiresAt: number }
  | { type: 'tokens'; why: 'answer'; from: string; to: string; tokens: TokenSet | null; expiresAt: number }
  | { type: 'ended'; reason: string };

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

/** The part of Web Locks used here (none outside a secure context, nor under Node). */
interface Locks {
  request<T>(name: string, run: () => Promise<T>): Promise<T>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function webLocks(): Locks | null {
  return (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks ?? null;
}

// One tab of the browser at a time (Web Locks); where there are none, this tab's own queue suffices.
function exclusively<T>(task: () => Promise<T>): Promise<T> {
  const locks = webLocks();
  return locks ? locks.request(LOCK, task) : task();
}

type Listen = (type: string, listener: () => void) => void;

// Holds this tab's lock while the page is live. A frozen or hidden-away page cannot answer, so it lets
// the lock go (no tab then waits on it in vain) and takes it again when it comes back.
function announce(name: string): void {
  const locks = webLocks();
  const scope = globalThis as { addEventListener?: Listen; document?: { addEventListener?: Listen } };
  if (!locks) return;
  let release: (() => void) | null = null;
  const hold = () => {
    if (release) return;
    const held = new Promise<void>((resolve) => (release = resolve));
    void locks.request(name, () => held);
  };
  const letGo = () => {
    release?.();
    release = null;
  };
  hold();
  scope.document?.addEventListener?.('freeze', letGo);
  scope.document?.addEventListener?.('resume', hold);
  scope.addEventListener?.('pagehide', letGo);
  scope.addEventListener?.('pageshow', hold);
}

// The ids of the browser's other open tabs; null when that cannot be known (no Web Locks).
async function otherTabs(self: string): Promise<Set<string> | null> {
  try {
    const held = (await webLocks()?.query())?.held;
    if (!held) return null;
    const ids = held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(TAB_LOCK));
    return new Set(ids.map((name) => name.slice(TAB_LOCK.length)).filter((id) => id !== self));
  } catch {
    return null;
  }
}

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
  readonly #id = Math.random().toString(36).slice(2);
  // Without Web Locks: whether another tab was ever heard from (only then does a refresh first ask).
  #peers = false;
  // The asks of this tab still waiting for answers: each is told who answered.
  readonly #asks = new Set<(from: string) => void>();

  constructor() {
    if (!this.#channel) return;
    this.#channel.onmessage = (event) => this.#hear(event.data);
    announce(TAB_LOCK + this.#id);
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
   * over (this tab then holds the same session, no password asked), false when no open tab holds one.
   */
  async join(): Promise<boolean> {
    await this.#ask(JOIN_WAIT_MS);
    return this.#access !== null;
  }

  /**
   * Spends the refresh token for a new pair. Concurrent callers share one request: two 401s at once
   * must not both present the same token, which the hub would treat as reuse and end the session.
   */
  refresh(): Promise<RefreshOutcome> {
    // Taken before waiting for the lock: a pair that arrives meanwhile is another tab's refresh.
    const before = this.refreshToken;
    this.#refreshing ??= exclusively(() => this.#refreshOnce(before)).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  // Holding the lock: another tab may have refreshed just before; then its pair is the one to use (its
  // refresh token spent ours: presenting ours again would look like theft and end the session). Its
  // news may not have reached this tab yet (a busy tab, a reload that lost it), so ask every open tab.
  async #refreshOnce(before: string | null): Promise<RefreshOutcome> {
    await this.#ask(this.#peers ? SYNC_WAIT_MS : 0);
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

  /**
   * Asks the other tabs for their pair and keeps the newest. Waits for every open tab (known by its
   * lock) to answer, however busy it is: a fixed wait would miss a slow tab's newer pair. Without Web
   * Locks it listens `fallbackMs` (0: does not ask).
   */
  async #ask(fallbackMs: number): Promise<void> {
    if (!this.#channel) return;
    const others = await otherTabs(this.#id);
    if (others ? others.size === 0 : fallbackMs === 0) return;
    await new Promise<void>((resolve) => {
      const heard = (from: string) => {
        if (others?.delete(from) && others.size === 0) done();
      };
      const done = () => {
        clearTimeout(timer);
        this.#asks.delete(heard);
        resolve();
      };
      const timer = setTimeout(done, others ? ANSWER_WAIT_MS : fallbackMs);
      this.#asks.add(heard);
      this.#post({ type: 'ask', from: this.#id });
    });
  }

  #hear(message: TabMessage): void {
    this.#peers = true;
    if (message.type === 'ask') {
      // Every tab answers, with no pair too: the asker waits for each open tab.
      const tokens = this.#current();
      this.#post({ type: 'tokens', why: 'answer', from: this.#id, to: message.from, tokens, expiresAt: tokens ? this.#expiresAt : 0 });
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
    if (message.why === 'answer') {
      this.#heardAnswer(message.from, message.to, message.tokens, message.expiresAt);
      return;
    }
    // Another tab's refresh: kept only by a tab that holds the session (the newest pair wins).
    if ((this.#access !== null || this.canResume) && message.expiresAt > this.#expiresAt) this.#keep(message.tokens, message.expiresAt);
  }

  // An answer to this tab's ask: its pair is kept if newer, and the ask learns this tab has answered.
  #heardAnswer(from: string, to: string, tokens: TokenSet | null, expiresAt: number): void {
    if (to !== this.#id || this.#asks.size === 0) return;
    if (tokens && expiresAt > this.#expiresAt) this.#keep(tokens, expiresAt);
    for (const heard of this.#asks) heard(from);
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
