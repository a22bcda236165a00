/**
 * Serving the built web apps (src/platform/http/web-apps.ts): pages and assets with their cache headers, CSP and
 * nosniff, gzip and ETags, a Japanese 404 page for unknown paths while the API keeps its own 404s, nothing outside the
 * build (no traversal, no listing, no dot files), and a page saying how to build the apps before a build; the
 * initial JavaScript budget of each app.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET, SHARED_SOURCES, measureInitialJs, readStamp, sizeReport } from '../../scripts/build-web.ts';
import { webApps } from '../../src/platform/http/web-apps.ts';
import { startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { ensureWebBuilt } from './browser.ts';

let s: TestServer;
beforeAll(async () => {
  await ensureWebBuilt();
  s = await startTestServer('pglite');
});
afterAll(async () => s?.close());

const get = (url: string, headers: Record<string, string> = {}) => s.t.app.inject({ method: 'GET', url, headers });

describe('the web apps are served', () => {
  it('the start page at /, Japanese HTML, never cached stale, with a strict CSP and nosniff', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<html lang="ja">');
    expect(r.body).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    expect(r.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(r.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('the clinic app at /clinic/ (and /clinic sends there)', async () => {
    const r = await get('/clinic/');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('診療所アプリ');
    const bare = await get('/clinic?x=1');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/clinic/?x=1');
  });

  it('hashed assets are cached for a year, gzipped when asked, and revalidate by ETag', async () => {
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await get('/clinic/')).body)![1];
    const plain = await get(script);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    const gz = await get(script, { 'accept-encoding': 'gzip, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    const again = await get(script, { 'if-none-match': plain.headers.etag as string });
    expect(again.statusCode).toBe(304);
    expect((await s.t.app.inject({ method: 'HEAD', url: '/' })).statusCode).toBe(200);
  });

  it('an unknown page is a Japanese HTML 404 page with the same headers', async () => {
    for (const url of ['/nothing-here', '/clinic/nothing.js', '/pharmacy/nothing.js', '/assets/', '/favicon.ico']) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.body).toContain('ページが見つかりません');
      expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
    }
  });

  it('the API keeps its own answers and 404s (JSON / OperationOutcome)', async () => {
    expect(JSON.parse((await get('/fhir/metadata')).body).resourceType).toBe('CapabilityStatement');
    expect((await get('/healthz')).statusCode).toBe(200);
    expect(JSON.parse((await get('/.well-known/smart-configuration')).body).authorization_endpoint).toMatch(/\/auth\/authorize$/);
    for (const url of [
      '/fhir/NoSuchType',
      '/auth/nothing',
      '/eligibility/nothing',
      '/sharing/nothing',
      '/eprescription/nothing',
      '/demo/nothing',
      '/directory/x',
      '/health/x',
      '/.well-known/x',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.headers['content-type'], url).toMatch(/json/);
      expect(r.body, url).not.toContain('<html');
    }
    const post = await s.t.app.inject({ method: 'POST', url: '/clinic/', payload: 'x' });
    expect(post.statusCode).toBe(404);
    expect(post.headers['content-type']).toMatch(/json/);
  });

  it('nothing outside the build: no traversal, no directory listing, no dot files', async () => {
    for (const url of [
      '/../package.json',
      '/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/clinic/%2e%2e%2f%2e%2e%2f%2e%2e%2fsrc%2fapp.ts',
      '/.build-stamp.json',
      '/%00',
      '/%E0%A4%A',
      '/assets',
      '/clinic/../../package.json',
      '//etc/passwd',
    ]) {
      const r = await get(url);
      expect([400, 404], url).toContain(r.statusCode);
      expect(r.body, url).not.toContain('"dependencies"');
      expect(r.body, url).not.toContain('createTsunagu');
      expect(r.body, url).not.toContain('"hash"');
      expect(r.body, url).not.toMatch(/Index of|<li><a href="[^"]+\.js"/);
    }
  });
});

describe('before the apps are built', () => {
  it('pages answer in Japanese how to build them; the API is not affected', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tsunagu-no-web-'));
    const app = Fastify();
    app.get('/fhir/metadata', async () => ({ resourceType: 'CapabilityStatement' }));
    await app.register(webApps, { distDir: join(empty, 'dist') });
    try {
      for (const url of ['/', '/clinic/']) {
        const r = await app.inject({ method: 'GET', url });
        expect(r.statusCode).toBe(503);
        expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(r.body).toContain('Webアプリがまだビルドされていません');
        expect(r.body).toContain('npm run build:web');
        expect(r.headers['content-security-policy']).toMatch(/default-src 'none'; style-src 'sha256-/);
      }
      expect((await app.inject({ method: 'GET', url: '/fhir/metadata' })).statusCode).toBe(200);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the initial JavaScript budget', () => {
  it(`each app's initial JavaScript is at most ${INITIAL_JS_BUDGET / 1000} KB gzipped`, () => {
    const pages = measureInitialJs();
    console.log(`Initial JS (gzipped), build of ${readStamp()?.builtAt} in ${readStamp()?.ms} ms:\n${sizeReport(pages)}`);
    const apps = pages.filter((p) => p.files.length);
    expect(apps.map((p) => p.page)).toEqual(expect.arrayContaining(['index.html', 'clinic/index.html']));
    for (const p of apps) expect(p.gzipBytes, p.page).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
  });
});

describe('what the apps import from outside web/', () => {
  it('only the pure shared sources the build hashes (so a change there rebuilds the apps), which import each other and packages only', () => {
    const root = resolve(import.meta.dirname, '../..');
    const imported = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'dist' || e.name === 'node_modules') continue;
        const file = join(dir, e.name);
        if (e.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(e.name))
          for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
            const target = relative(root, resolve(dirname(file), spec));
            if (!target.startsWith('web/')) imported.add(target);
          }
      }
    };
    walk(join(root, 'web'));
    // What the apps import, with what those import in turn: exactly the shared sources the build hashes.
    const pending = [...imported];
    while (pending.length) {
      const file = pending.pop()!;
      for (const [, spec] of readFileSync(join(root, file), 'utf8').matchAll(/^import (?!type)[^;]* from '(\.[^']+)'/gm)) {
        const target = relative(root, resolve(dirname(join(root, file)), spec));
        if (!imported.has(target)) {
          imported.add(target);
          pending.push(target);
        }
      }
    }
    expect([...imported].sort()).toEqual([...SHARED_SOURCES].sort());
    // They import nothing of Node (no I/O): npm packages and each other only.
    for (const f of SHARED_SOURCES) expect(readFileSync(join(root, f), 'utf8'), f).not.toMatch(/^import [^;]* from 'node:/m);
  });
});
