/** Entry point: language first (no flash of English), then the session of this tab, then the app. */
import './lib/strictCsp.js'; // first: it must run before any shared schema is built
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { i18n } from './lib/state/i18n.svelte.js';
import { router } from './lib/state/router.svelte.js';
import { session } from './lib/state/session.svelte.js';

async function start(): Promise<void> {
  await i18n.start();
  router.start();
  const target = document.getElementById('app');
  if (!target) return;
  mount(App, { target });
  await session.start();
}

void start();
