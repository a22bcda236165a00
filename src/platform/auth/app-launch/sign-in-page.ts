/**
 * The sign-in page of the authorization server (サインイン画面): server-rendered HTML, Japanese first (English with
 * `lang=en`), large type, every field labelled, errors announced (role="alert"); no inline script (the page's CSP
 * allows only its own script, which reads a card file into the form). The authorization request travels in hidden
 * fields and is checked again when the form comes back.
 */
import type { AppUser } from './app-clients.ts';

export type Lang = 'ja' | 'en';

export const SIGN_IN_SCRIPT_PATH = '/auth/assets/sign-in.js';

const TEXT = {
  ja: {
    title: 'サインイン',
    signInTo: (app: string) => `${app} にサインイン`,
    staff: '職員のサインイン',
    facility: '医療機関コード（10桁）',
    login: 'ログインID',
    password: 'パスワード',
    totp: '確認コード（2段階認証を設定している方のみ・6桁）',
    patient: 'マイナンバーカードでサインイン',
    cardFile: 'カードのファイル（仮想マイナンバーカード）',
    cardPaste: 'またはカードのファイルの内容を貼り付け',
    pin: '利用者証明用暗証番号（数字4桁）',
    submit: 'サインイン',
    other: 'English',
    lockNote: '5回続けて間違えると15分間サインインできなくなります。',
    pinNote: '暗証番号を3回続けて間違えるとカードがロックされます（市区町村の窓口で解除）。',
    noScript: 'この画面ではファイルを読み込むために JavaScript を使います。使えない場合は内容を貼り付けてください。',
  },
  en: {
    title: 'Sign in',
    signInTo: (app: string) => `Sign in to ${app}`,
    staff: 'Staff sign-in',
    facility: 'Facility code (10 digits)',
    login: 'Login ID',
    password: 'Password',
    totp: 'Verification code (only if you set up two-step sign-in; 6 digits)',
    patient: 'Sign in with your My Number card',
    cardFile: 'Card file (virtual My Number card)',
    cardPaste: 'or paste the card file’s content',
    pin: 'User certificate PIN (4 digits)',
    submit: 'Sign in',
    other: '日本語',
    lockNote: 'Five failures in a row lock sign-in for 15 minutes.',
    pinNote: 'Three wrong PINs in a row lock the card (unlocked at the municipal office).',
    noScript: 'This page uses JavaScript to read the file. Without it, paste the content instead.',
  },
};

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface SignInPage {
  lang: Lang;
  appName: string;
  users: AppUser[];
  /** The authorization request's parameters, carried as hidden fields. */
  request: Record<string, string>;
  /** A message to announce (a failed sign-in). */
  error?: string;
  /** Values to keep in the form after a failure (never the password or PIN). */
  facilityCode?: string;
  login?: string;
}

const hidden = (request: Record<string, string>) =>
  Object.entries(request)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');

function field(id: string, label: string, input: string): string {
  return `<div class="field"><label for="${id}">${escapeHtml(label)}</label>${input}</div>`;
}

export function renderSignInPage(p: SignInPage): string {
  const t = TEXT[p.lang];
  const otherLang = new URLSearchParams({ ...p.request, lang: p.lang === 'ja' ? 'en' : 'ja' });
  const staff = p.users.includes('staff')
    ? `<form method="post" action="/auth/authorize" class="card" aria-labelledby="staff-h">
<h2 id="staff-h">${t.staff}</h2>
${hidden({ ...p.request, lang: p.lang, method: 'staff' })}
${field('facility', t.facility, `<input id="facility" name="facility" inputmode="numeric" autocomplete="organization" required pattern="[0-9０-９]{10}" value="${escapeHtml(p.facilityCode ?? '')}">`)}
${field('login', t.login, `<input id="login" name="login" autocomplete="username" required value="${escapeHtml(p.login ?? '')}">`)}
${field('password', t.password, '<input id="password" name="password" type="password" autocomplete="current-password" required>')}
${field('totp', t.totp, '<input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}">')}
<p class="note">${t.lockNote}</p>
<button type="submit">${t.submit}</button>
</form>`
    : '';
  const patient = p.users.includes('patient')
    ? `<form method="post" action="/auth/authorize" class="card" aria-labelledby="patient-h">
<h2 id="patient-h">${t.patient}</h2>
${hidden({ ...p.request, lang: p.lang, method: 'card' })}
${field('card-file', t.cardFile, '<input id="card-file" type="file" accept=".json,application/json" data-card-target="card-content">')}
${field('card-content', t.cardPaste, '<textarea id="card-content" name="cardFile" rows="3" required></textarea>')}
<noscript><p class="note">${t.noScript}</p></noscript>
${field('pin', t.pin, '<input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" required pattern="[0-9]{4}" maxlength="4">')}
<p class="note">${t.pinNote}</p>
<button type="submit">${t.submit}</button>
</form>`
    : '';
  return `<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${t.title} — ${p.appName} — つなぐ`)}</title>
<style>${STYLE}</style>
<script src="${SIGN_IN_SCRIPT_PATH}" defer></script>
</head>
<body>
<main>
<p class="brand">つなぐ Tsunagu</p>
<h1>${escapeHtml(t.signInTo(p.appName))}</h1>
<p><a href="/auth/authorize?${escapeHtml(otherLang.toString())}" lang="${p.lang === 'ja' ? 'en' : 'ja'}">${t.other}</a></p>
${p.error ? `<div class="error" role="alert">${escapeHtml(p.error)}</div>` : ''}
${staff}
${patient}
</main>
</body>
</html>`;
}

/** A page for a request that cannot be sent back to the app (unknown app, unregistered redirect URI). */
export function renderErrorPage(lang: Lang, ja: string, en: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${lang === 'ja' ? 'サインインできません' : 'Cannot sign in'} — つなぐ</title><style>${STYLE}</style></head>
<body><main><p class="brand">つなぐ Tsunagu</p><h1>${lang === 'ja' ? 'サインインできません' : 'Cannot sign in'}</h1>
<div class="error" role="alert">${escapeHtml(lang === 'ja' ? ja : en)}</div>
<p>${lang === 'ja' ? 'アプリの提供者にお問い合わせください。' : 'Please contact the provider of the app.'}</p></main></body></html>`;
}

/** Reads a chosen card file into the form's text field (the page's only script). */
export const SIGN_IN_SCRIPT = `document.addEventListener('change', function (e) {
  var input = e.target;
  if (!input || !input.dataset || !input.dataset.cardTarget || !input.files || !input.files[0]) return;
  var target = document.getElementById(input.dataset.cardTarget);
  input.files[0].text().then(function (text) { target.value = text; });
});
`;

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 18px/1.6 system-ui, "Hiragino Sans", "Noto Sans JP", "Yu Gothic", sans-serif; color: #1a1a1a; background: #f3f5f7; }
main { max-width: 36rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.brand { font-weight: 700; color: #0b5394; margin: 0; }
h1 { font-size: 1.6rem; margin: .3rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 .8rem; }
.card { background: #fff; border: 1px solid #c9d1d9; border-radius: .6rem; padding: 1.2rem; margin: 1rem 0; }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: .3rem; }
input, textarea { width: 100%; font: inherit; padding: .6rem .7rem; border: 2px solid #57606a; border-radius: .4rem; background: #fff; color: inherit; }
input[type=file] { border-style: dashed; }
input:focus, textarea:focus, button:focus, a:focus { outline: 3px solid #ff9f1c; outline-offset: 2px; }
button { font: inherit; font-weight: 700; padding: .7rem 1.6rem; border: 0; border-radius: .4rem; background: #0b5394; color: #fff; cursor: pointer; }
button:hover { background: #083d6d; }
a { color: #0b5394; }
.note { font-size: .95rem; color: #3d4650; }
.error { background: #fdecea; border: 2px solid #b3261e; color: #7a1a14; padding: .8rem 1rem; border-radius: .4rem; font-weight: 600; }
`;
