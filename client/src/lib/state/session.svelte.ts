/** Who is signed in: the user, their organisation, and why a session ended. */
import type { Locale } from '../../../../shared/limits.js';
import { api, tokens, type Organisation, type User } from '../api.js';
import { i18n, isLocale } from './i18n.svelte.js';

/** Why the person is on the sign-in page again. */
export type SignOutReason = 'signed_out' | 'session_expired' | 'session_revoked';

type Status = 'starting' | 'signed-out' | 'signed-in';

const REASONS: readonly string[] = ['signed_out', 'session_expired', 'session_revoked'] satisfies SignOutReason[];
const isReason = (value: string): value is SignOutReason => REASONS.includes(value);

/** Session state; the token mechanics live in `tokens` (lib/tokens.ts). */
export class Session {
  status = $state<Status>('starting');
  user = $state<User | null>(null);
  organisation = $state<Organisation | null>(null);
  /** Shown once on the sign-in page after a session ended. */
  reason = $state<SignOutReason | null>(null);
  /** The tab holds a session but the hub could not be reached to resume it (weak connection). */
  offline = $state(false);

  readonly isAdmin = $derived(this.user?.role === 'admin');
  readonly isOffice = $derived(this.organisation?.kind === 'office');
  readonly isOfficeAdmin = $derived(this.isAdmin && this.isOffice);
  /** Admins and analysts create and edit their organisation's assessments and documents. */
  readonly isEditor = $derived(this.user?.role === 'admin' || this.user?.role === 'analyst');

  constructor() {
    tokens.onEnded = () => this.end('session_expired');
    // Another tab of this browser signed out (or its session ended): so does this one.
    tokens.onPeerEnded = (reason) => this.end(isReason(reason) ? reason : 'signed_out', true);
    // Another tab signed in: this tab shares that session.
    tokens.onPeerSignedIn = () => void this.#load();
    // The keeper retries a refresh that failed for want of a connection; when it succeeds, resume.
    tokens.onRenewed = () => {
      if (this.status !== 'signed-in' && this.offline) void this.#load();
    };
  }

  /**
   * Resumes the session of this tab after a reload, if its refresh token is still good; a new tab
   * takes the session another tab of this browser holds (no password asked).
   */
  async start(): Promise<void> {
    if (!tokens.canResume && !(await tokens.join())) {
      this.status = 'signed-out';
      return;
    }
    const outcome = tokens.stale ? await tokens.refresh() : 'ok';
    // Offline: keep the refresh token so "try again" (or the keeper's own retry) can still resume.
    this.offline = outcome === 'offline';
    if (outcome !== 'ok' || !(await this.#load())) this.status = 'signed-out';
  }

  /** Signs in; throws the ApiError (`mfa_required`, `unauthenticated`, `rate_limited`…) for the form to show. */
  async signIn(email: string, password: string, otp?: string): Promise<void> {
    const answer = await api.login(email, password, otp);
    tokens.set(answer, 'signed-in');
    this.reason = null;
    if (!(await this.#load())) throw new Error('profile not loaded');
  }

  /** Signs out here: the refresh token is spent on the hub, then forgotten. */
  async signOut(): Promise<void> {
    const refreshToken = tokens.refreshToken;
    this.end('signed_out');
    if (refreshToken) await api.logout(refreshToken).catch(() => undefined);
  }

  /** Ends the session here and in the browser's other tabs (expired, revoked by the hub, or signed out); `fromPeer`: they told us. */
  end(reason: SignOutReason, fromPeer = false): void {
    tokens.clear(fromPeer ? undefined : reason);
    this.offline = false;
    if (this.status === 'signed-out' && this.reason) return;
    this.user = null;
    this.organisation = null;
    this.reason = reason;
    this.status = 'signed-out';
  }

  /** Reads /api/me again (after a profile change). */
  async reload(): Promise<void> {
    await this.#load();
  }

  /** Applies a changed user (PATCH /api/me answer). */
  setUser(user: User): void {
    this.user = user;
  }

  /** Saves the interface language in the profile, so every device uses it. */
  async saveLocale(locale: Locale): Promise<void> {
    if (!this.user || this.user.locale === locale) return;
    const { user } = await api.updateMe({ locale });
    this.user = user;
  }

  async #load(): Promise<boolean> {
    try {
      const me = await api.me();
      this.user = me.user;
      this.organisation = me.organisation;
      this.offline = false;
      this.status = 'signed-in';
    } catch {
      return false;
    }
    await this.#applyLocale();
    return true;
  }

  // The profile's language wins, unless the person just picked one on the sign-in page.
  async #applyLocale(): Promise<void> {
    const user = this.user;
    if (!user) return;
    if (i18n.chosenBeforeSignIn) {
      i18n.chosenBeforeSignIn = false;
      await this.saveLocale(i18n.locale).catch(() => undefined);
      return;
    }
    if (isLocale(user.locale) && user.locale !== i18n.locale) await i18n.set(user.locale);
  }
}

export const session = new Session();
