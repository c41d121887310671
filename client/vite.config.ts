import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = fileURLToPath(new URL('.', import.meta.url));

// The hub serves the built app under a strict CSP (no inline script or style), so component CSS is
// emitted to the built .css file and nothing is inlined into index.html.
export default defineConfig({
  root,
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  plugins: [svelte({ configFile: false, emitCss: true, compilerOptions: { css: 'external', runes: true } })],
  server: {
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': `http://127.0.0.1:${process.env.HUB_PORT ?? 8080}`, '/socket.io': { target: `ws://127.0.0.1:${process.env.HUB_PORT ?? 8080}`, ws: true } },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 400,
    // The timing report is advice about slow machines, not about this build.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
