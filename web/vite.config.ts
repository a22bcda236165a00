/**
 * The web apps' Vite configuration: a multi-page app rooted at web/ — the start page (index.html), the 404 page and
 * each app (web/<app>/index.html, found by looking, so a new app is a new folder). Used by scripts/build-web.ts; for
 * development with hot reload, `npx vite --config web/vite.config.ts` (the API calls go to a server on :8080).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

export const WEB_ROOT = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(WEB_ROOT, 'dist');

/** Paths the API serves (proxied by the development server). */
const API = '^/(fhir|auth|eligibility|sharing|eprescription|demo|directory|healthz|\\.well-known)(/|$)';

/** Every HTML page: web/index.html, web/404.html and web/<app>/index.html. */
export function pageEntries(root = WEB_ROOT): Record<string, string> {
  const entries: Record<string, string> = { start: join(root, 'index.html'), notFound: join(root, '404.html') };
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name === 'dist' || d.name === 'shared' || d.name.startsWith('.')) continue;
    const page = join(root, d.name, 'index.html');
    if (existsSync(page)) entries[d.name] = page;
  }
  return entries;
}

export function webConfig(outDir = WEB_DIST): UserConfig {
  return {
    root: WEB_ROOT,
    base: '/',
    publicDir: false,
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // Chromium, Edge, Safari and Firefox all support modulepreload.
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1000,
      rolldownOptions: { input: pageEntries() },
    },
    server: { proxy: { [API]: 'http://localhost:8080' } },
  };
}

export default defineConfig(webConfig());
