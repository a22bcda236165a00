/**
 * The web apps (web/, built into web/dist/ by scripts/build-web.ts): the start page at `/`, each app at `/<app>/`,
 * their assets at `/assets/` — only files of the build, looked up in an index of it (no directory listing, no path
 * outside it), gzipped when the browser takes it, hashed assets cached for a year and pages revalidated. Every answer
 * carries a strict CSP (scripts from this origin only; the apps have no inline script). Unknown paths get a Japanese
 * HTML 404 page; paths of the API (`/fhir`, `/auth`, …) keep their JSON / OperationOutcome answers. Before a build,
 * pages answer how to build the apps.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist of this checkout. */
export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Written by the build last; its change means a new build to index. */
const STAMP = '.build-stamp.json';

/** First path segments that belong to the API: their unknown paths stay the API's 404. */
const API_SEGMENTS = new Set(['fhir', 'auth', 'eligibility', 'sharing', 'eprescription', 'demo', 'directory', '.well-known']);
const isApiSegment = (segment: string) => API_SEGMENTS.has(segment) || segment.startsWith('health');

export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map', '.webmanifest']);

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  cache: string;
}

/** The files of one build, by URL path (`/index.html`, `/clinic/index.html`, `/assets/…`); dot files left out. */
function indexBuild(dist: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const path = join(dir, d.name);
      if (d.isDirectory()) walk(path);
      else if (d.isFile()) {
        const ext = extname(d.name).toLowerCase();
        const type = TYPES[ext];
        if (!type) continue;
        const urlPath = `/${relative(dist, path).split(sep).join('/')}`;
        const body = readFileSync(path);
        const gzip = COMPRESSIBLE.has(ext) && body.length > 256 ? gzipSync(body, { level: 9 }) : undefined;
        files.set(urlPath, {
          body,
          gzip: gzip && gzip.length < body.length ? gzip : undefined,
          type,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
          // Vite names what is under /assets/ by its content hash: it never changes under one name.
          cache: urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
  };
  walk(dist);
  return files;
}

/** The build now in `dist`, re-indexed when a new build replaced it; undefined before the first build. */
function buildWatcher(dist: string): () => Map<string, Asset> | undefined {
  let version: string | undefined;
  let files: Map<string, Asset> | undefined;
  return () => {
    const mark = statSync(join(dist, STAMP), { throwIfNoEntry: false }) ?? statSync(join(dist, 'index.html'), { throwIfNoEntry: false });
    if (!mark) {
      version = files = undefined;
      return undefined;
    }
    const now = `${mark.ino}:${mark.mtimeMs}:${mark.size}`;
    if (now !== version) {
      try {
        files = indexBuild(dist);
        version = now;
      } catch {
        // A build being swapped in right now: the next request indexes it.
        files = undefined;
      }
    }
    return files;
  };
}

const page = (title: string, body: string) => `<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} — つなぐ</title><link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style></head>
<body><main>
<p class="brand">つなぐ Tsunagu</p>
${body}
</main></body>
</html>`;

const PAGE_STYLE =
  'body{margin:0;font:18px/1.6 system-ui,"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans",sans-serif;color:#1a1a1a;background:#f3f5f7}' +
  'main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem}.brand{font-weight:700;color:#0b5394;margin:0}h1{font-size:1.6rem}' +
  'code{background:#fff;border:1px solid #8c959f;border-radius:.3rem;padding:.1rem .4rem;white-space:nowrap}a{color:#0b5394}a:focus-visible{outline:3px solid #ff9f1c}' +
  '.en{border-top:1px solid #8c959f;margin-top:1.5rem;padding-top:.5rem}';

const NOT_BUILT = page(
  'アプリは準備中です',
  `<h1>Webアプリがまだビルドされていません</h1>
<p>API は動いています（<a href="/fhir/metadata">/fhir/metadata</a>）。画面を使うには、このフォルダーで次のどちらかを実行してからサーバーを起動し直してください。</p>
<p><code>npm install</code> または <code>npm run build:web</code></p>
<div class="en" lang="en"><h2>The web apps are not built yet</h2>
<p>The API is running. To use the apps, run <code>npm install</code> or <code>npm run build:web</code> in this folder, then start the server again.</p></div>`,
);

const NOT_FOUND = page(
  'ページが見つかりません',
  `<h1>ページが見つかりません</h1>
<p>お探しのページはありません。アドレスをお確かめください。</p>
<p><a href="/">スタートページへ</a></p>
<div class="en" lang="en"><h2>Page not found</h2><p><a href="/">To the start page</a></p></div>`,
);

const STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;
const INLINE_PAGE_CSP = `default-src 'none'; style-src ${STYLE_HASH}; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

function securityHeaders(reply: FastifyReply, csp = WEB_CSP): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .header('cross-origin-opener-policy', 'same-origin');
}

const inlinePage = (reply: FastifyReply, status: number, html: string) =>
  securityHeaders(reply, INLINE_PAGE_CSP).code(status).header('content-type', TYPES['.html']).header('cache-control', 'no-cache').send(html);

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, status = 200): FastifyReply {
  securityHeaders(reply).header('content-type', asset.type).header('cache-control', asset.cache).header('etag', asset.etag);
  if (asset.gzip) reply.header('vary', 'accept-encoding');
  if (status === 200 && request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const gzip = asset.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzip) reply.header('content-encoding', 'gzip');
  return reply.code(status).send(gzip ? asset.gzip : asset.body);
}

/** Whether `dist` holds a build of the apps (for `tsunagu serve` to say so). */
export function webAppsBuilt(dist = WEB_DIST): boolean {
  return statSync(join(dist, 'index.html'), { throwIfNoEntry: false }) !== undefined;
}

export interface WebAppsOptions {
  /** The built apps (default: web/dist of this checkout). */
  distDir?: string;
}

/** Serves the web apps on GET (and HEAD) of every path the API does not answer. */
export async function webApps(app: FastifyInstance, opts: WebAppsOptions = {}): Promise<void> {
  const current = buildWatcher(opts.distDir ?? WEB_DIST);

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const rawPath = (request.raw.url ?? '/').split('?')[0];
    if (isApiSegment(rawPath.split('/')[1] ?? '')) return reply.callNotFound();
    const files = current();
    if (!files) return inlinePage(reply, 503, NOT_BUILT);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = '';
    }
    const asset = files.get(path.endsWith('/') ? `${path}index.html` : path);
    if (asset) return sendAsset(request, reply, asset);
    // An app's folder without its slash: to the app (its relative URLs need the slash).
    if (path && files.has(`${path}/index.html`)) {
      const query = request.raw.url?.includes('?') ? `?${request.raw.url.split('?').slice(1).join('?')}` : '';
      return reply.redirect(`${path}/${query}`, 301);
    }
    const notFound = files.get('/404.html');
    return notFound ? sendAsset(request, reply, notFound, 404) : inlinePage(reply, 404, NOT_FOUND);
  };

  app.get('/', handler);
  app.get('/*', handler);
}
