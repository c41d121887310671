import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { base32Decode, hotp, totpStep } from '../../server/auth/totp.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, baseUrl } from '../helpers/hub.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const DIST_INDEX = path.join(ROOT, 'client', 'dist', 'index.html');
const SCREENS = path.join(ROOT, 'test-results', 'screens');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The three interface languages, in the order screenshots are taken. */
export const LOCALES = ['en', 'fr', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

/** Builds the web app once if the run has no build yet (the hub serves client/dist). */
export function ensureBuilt(): void {
  if (existsSync(DIST_INDEX)) return;
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Whether Debian's Chromium is installed (`.ci/run` installs it). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** Starts headless Chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser profile (no tokens, no language choice) with the errors of its pages collected. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // A Content-Security-Policy violation would mean the built app breaks the hub's strict policy.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) errors.push(message.text());
  });
  return { context, page, errors };
}

/** Opens the app and waits for the sign-in form. */
export async function gotoSignIn(page: Page): Promise<void> {
  await page.goto(`${baseUrl()}/`);
  await page.getByTestId('login-email').waitFor();
}

/** Fills in and submits the sign-in form (without waiting for the outcome). */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Who signs in: a user a test created, or the hub's Office admin. */
export interface Credentials {
  email: string;
  password: string;
}

const OFFICE_ADMIN: Credentials = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

/** Signs `who` (the Office admin by default) in through the form and waits for the signed-in shell. */
export async function signIn(page: Page, who: Credentials = OFFICE_ADMIN): Promise<void> {
  await gotoSignIn(page);
  await submitSignIn(page, who.email, who.password);
  // Attached, not visible: on a phone the navigation is folded behind the menu button.
  await page.getByTestId('current-user').waitFor({ state: 'attached' });
}

/** Switches the interface language with the header's (or sign-in page's) selector and waits for it. */
export async function switchLanguage(page: Page, locale: Locale): Promise<void> {
  await page.getByTestId('language-select').selectOption(locale);
  // A locator, not waitForFunction: a string predicate would need eval, which the hub's CSP forbids.
  await page.locator(`html[lang="${locale}"]`).waitFor({ state: 'attached' });
}

/** Saves a full-page screenshot under test-results/screens/ for reviewers. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  // From the top, so the sticky header is where a reader expects it on the full-page image.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
}

/** A full-page screenshot with the viewport as tall as the page (up to `maxHeight`), so sticky bars sit where they belong. */
export async function tallScreenshot(page: Page, name: string, maxHeight = 12_000): Promise<void> {
  const height = Math.min(maxHeight, await page.evaluate<number>('document.documentElement.scrollHeight'));
  const before = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: before.width, height: Math.max(before.height, height) });
  await screenshot(page, name);
  await page.setViewportSize(before);
}

/** The current code of a base32 TOTP secret (the next step's with `ahead`, to avoid a just-spent one). */
export function totp(secret: string, ahead = 0): string {
  return hotp(base32Decode(secret), totpStep() + ahead);
}

/** The English messages of the app, to prove none is left on an Arabic screen. */
export function englishMessages(): Map<string, string> {
  const read = (locale: Locale) =>
    JSON.parse(readFileSync(path.join(ROOT, 'client', 'src', 'lib', 'i18n', `${locale}.json`), 'utf8')) as Record<string, string>;
  const en = read('en');
  const ar = read('ar');
  return new Map(Object.entries(en).filter(([key, text]) => text !== ar[key]));
}

/** Text as a reader sees it: without the invisible isolates around user text, spaces collapsed. */
export function plain(text: string): string {
  return text
    .replace(/[\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
