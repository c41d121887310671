/** Client-side navigation on the History API. */
import { match, type Route } from '../routes.js';

/** The current location and `navigate()`; same-origin links are intercepted once at start. */
export class Router {
  path = $state(window.location.pathname);
  /** The query string (`?country=KEN`), for pages that take their first filters from the address. */
  search = $state(window.location.search);
  readonly route: Route = $derived(match(this.path));
  /** Grows on every navigation, so the shell can move focus to the new page's heading. */
  visits = $state(0);
  // A page with unsaved work: what to ask before leaving it (null: leave freely).
  #leaving: (() => string | null) | null = null;

  /** While a page holds unsaved work, every way out through the app (links, back/forward) asks first; returns the release. */
  guardLeaving(question: () => string | null): () => void {
    this.#leaving = question;
    return () => {
      if (this.#leaving === question) this.#leaving = null;
    };
  }

  // Whether the person agrees to leave (asked only when a page guards unsaved work).
  #mayLeave(): boolean {
    const question = this.#leaving?.() ?? null;
    return !question || window.confirm(question);
  }

  /** Listens to back/forward and to clicks on plain same-origin links. */
  start(): void {
    window.addEventListener('popstate', () => {
      // Back or forward away from unsaved work: if the person stays, the address goes back to this page.
      if (!this.#mayLeave()) {
        window.history.pushState(null, '', this.path + this.search);
        return;
      }
      this.path = window.location.pathname;
      this.search = window.location.search;
      this.visits += 1;
    });
    document.addEventListener('click', (event) => this.#intercept(event));
  }

  /** Goes to `to` without reloading the page. */
  navigate(to: string, options: { replace?: boolean } = {}): void {
    const url = new URL(to, window.location.origin);
    if (url.pathname === this.path && url.search === this.search && !options.replace) return;
    if (options.replace) window.history.replaceState(null, '', url.pathname + url.search);
    else window.history.pushState(null, '', url.pathname + url.search);
    this.path = url.pathname;
    this.search = url.search;
    this.visits += 1;
  }

  #intercept(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.<HTMLAnchorElement | SVGAElement>('a');
    if (!anchor || anchor.getAttribute('target') || anchor.hasAttribute('download') || anchor.dataset.external !== undefined) return;
    // Links inside an SVG (the map's countries) carry their address as an SVGAnimatedString.
    const href = anchor instanceof SVGAElement ? anchor.href.baseVal : anchor.href;
    if (!href) return;
    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    if (url.hash && url.pathname === window.location.pathname) return; // in-page link (skip link)
    event.preventDefault();
    if (!this.#mayLeave()) return;
    this.navigate(url.pathname + url.search);
  }
}

export const router = new Router();
