/**
 * The patient's side of the portal's browser stories: the sign-in on the authorization server's page with the
 * virtual My Number card (the file chosen in the file input — the page's script reads it into the form — or its
 * content pasted) and the PIN, and a look at the portal's own answers with the page's token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { inPage } from './browser.ts';
import type { DemoWebServer } from './demo-web.ts';

export interface DemoCardHolder {
  name: string;
  /** The virtual card file's path. */
  card: string;
  pin: string;
}

/** A phone (360×740, touch), Japanese, as most people open the portal. */
export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'ja-JP',
  timezoneId: 'Asia/Tokyo',
};

/** On the sign-in page: the card file (chosen, or pasted with `paste`) and the PIN, then サインイン. */
export async function signInWithCard(page: Page, who: DemoCardHolder, opts: { paste?: boolean; pin?: string } = {}): Promise<void> {
  const content = page.getByLabel('またはカードのファイルの内容を貼り付け');
  if (opts.paste) await content.fill(readFileSync(who.card, 'utf8'));
  else {
    await page.getByLabel('カードのファイル（仮想マイナンバーカード）').setInputFiles(who.card);
    // The page's script reads the file into the text field.
    await page.waitForFunction("document.getElementById('card-content').value.length > 100");
  }
  await page.getByLabel('利用者証明用暗証番号（数字4桁）').fill(opts.pin ?? who.pin);
  await page.getByRole('button', { name: 'サインイン' }).click();
}

/** Opens the portal (`#screen`), signs in with the card and waits for the shell with the person's name. */
export async function openPortalSignedIn(page: Page, server: DemoWebServer, who: DemoCardHolder, screen = '', opts: { paste?: boolean } = {}): Promise<void> {
  await page.goto(`${server.url}/portal/${screen ? `#${screen}` : ''}`);
  await page.waitForURL(/\/auth\/authorize\?/);
  await signInWithCard(page, who, opts);
  await page.locator('.app-user').getByText(who.name).waitFor();
}

/** A request of the page with its own token (the portal's session in sessionStorage): the status and the JSON body. */
export function portalFetch<T = unknown>(page: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  return inPage(
    page,
    `(async () => {
      const s = JSON.parse(sessionStorage.getItem('tsunagu.tsunagu-portal.session'));
      const r = await fetch(${JSON.stringify(path)}, {
        method: ${JSON.stringify(init.method ?? 'GET')},
        headers: { authorization: 'Bearer ' + s.accessToken, accept: 'application/fhir+json', 'content-type': 'application/fhir+json' },
        ${init.body !== undefined ? `body: ${JSON.stringify(JSON.stringify(init.body))},` : ''}
      });
      const text = await r.text();
      let body; try { body = JSON.parse(text); } catch { body = text; }
      return { status: r.status, body };
    })()`,
  );
}

/** A staff member's access token through the authorization server over HTTP (what the pharmacy app gets at sign-in). */
export async function staffToken(
  server: DemoWebServer,
  who: { facility: string; login: string; password: string },
  app: 'pharmacy' | 'clinic',
): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const query = {
    response_type: 'code',
    client_id: `tsunagu-${app}`,
    redirect_uri: `${server.url}/${app}/`,
    scope: 'openid fhirUser user/*.cruds offline_access',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    aud: `${server.url}/fhir`,
  };
  const form = (o: Record<string, string>) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(o),
  });
  const r = await fetch(`${server.url}/auth/authorize`, form({ ...query, method: 'staff', facility: who.facility, login: who.login, password: who.password }));
  const code = new URL(r.headers.get('location') ?? 'x:/').searchParams.get('code');
  if (!code) throw new Error(`sign-in failed: ${r.status}`);
  const t = await fetch(
    `${server.url}/auth/token`,
    form({ grant_type: 'authorization_code', code, redirect_uri: query.redirect_uri, client_id: query.client_id, code_verifier: verifier }),
  );
  const body = (await t.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token exchange failed: ${t.status}`);
  return body.access_token;
}
