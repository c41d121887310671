/** "Since your last visit": when the person was last here, kept per user in this browser. */

const key = (userId: string) => `partner-hub.last-visit.${userId}`;

/**
 * When the person was last seen in this browser before this tab's visit began (null the first time).
 * The answer stays the same for the whole visit; the visit's own time is recorded at every call.
 */
export function previousVisit(userId: string): string | null {
  try {
    let since = window.sessionStorage.getItem(key(userId));
    if (since === null) {
      since = window.localStorage.getItem(key(userId)) ?? '';
      window.sessionStorage.setItem(key(userId), since);
    }
    window.localStorage.setItem(key(userId), new Date().toISOString());
    return since && !Number.isNaN(Date.parse(since)) ? since : null;
  } catch {
    return null; // storage refused (private mode): every visit is a first one
  }
}

/** Ends the visit (sign-out): the next sign-in in this tab counts from now. */
export function endVisit(userId: string): void {
  try {
    window.sessionStorage.removeItem(key(userId));
    window.localStorage.setItem(key(userId), new Date().toISOString());
  } catch {
    // nothing kept, nothing to end
  }
}
