/**
 * The README's vendor path on the embedded database, with the real command line: `client register` (key pair
 * generated), `token`, `client assertion`, then `tsunagu serve` in its own process — it prints its URL, serves
 * /fhir/metadata with no database server, names the printed token URL in its discovery document (whatever the Host
 * header), exchanges the signed assertion for a token at /auth/token and answers a FHIR call. A second process on the same data directory is refused while the server runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientCommand } from '../../cli/commands/client.ts';
import { tokenCommand } from '../../cli/commands/token.ts';
import { runCli } from '../helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const run = runCli;

/** Runs `tsunagu <args>` as its own process; resolves with its exit code and output. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/tsunagu.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => done({ code, out, err }));
  });
}

describe('tsunagu client / token / serve (embedded database, real processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-cli-serve-'));
  const dataDir = join(dir, 'data');
  const keyFile = join(dir, 'clinic-key.json');
  // No DATABASE_URL: the embedded database, as on a machine with no database server.
  const env = { TSUNAGU_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0' };
  let server: ChildProcess | undefined;
  let clientId = '';
  let localToken = '';

  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a clinic client with a generated key, and refuses a bad 医療機関コード without leaving a key file', async () => {
    const bad = await run(clientCommand, [
      'register',
      '--name',
      '誤り医院',
      '--kind',
      'facility',
      '--facility-code',
      '1312345670',
      '--scopes',
      'system/*.cruds',
      '--generate-key',
      join(dir, 'bad.json'),
      '--data-dir',
      dataDir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('医療機関コード');
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);

    const r = await run(clientCommand, [
      'register',
      '--name',
      'つなぐ内科クリニック',
      '--kind',
      'facility',
      '--facility-code',
      '1312345679',
      '--scopes',
      'system/Patient.cruds system/Observation.cruds',
      '--generate-key',
      keyFile,
      '--data-dir',
      dataDir,
    ]);
    expect(r.code, r.err).toBe(0);
    clientId = JSON.parse(r.out).client_id;
    expect(clientId).toBeTruthy();
    expect(JSON.parse(readFileSync(keyFile, 'utf8')).d).toBeTruthy(); // the private key, for the vendor
    const again = await run(clientCommand, [
      'register',
      '--name',
      'x',
      '--kind',
      'facility',
      '--facility-code',
      '1312345679',
      '--scopes',
      'system/*.rs',
      '--generate-key',
      keyFile,
      '--data-dir',
      dataDir,
    ]);
    expect(again.code).toBe(2); // never overwrites a key file
  });

  it('mints a local token for a registered client only, within its scopes', async () => {
    const t = await run(tokenCommand, ['--client-id', clientId, '--data-dir', dataDir]);
    expect(t.code, t.err).toBe(0);
    localToken = t.out.trim();
    expect(localToken.split('.')).toHaveLength(3);
    expect((await run(tokenCommand, ['--client-id', 'nobody', '--data-dir', dataDir])).code).toBe(1);
    expect((await run(tokenCommand, ['--client-id', clientId, '--scope', 'system/Coverage.rs', '--data-dir', dataDir])).code).toBe(1);
  });

  it('serve prints its URL and serves the API; a second process on the data directory is refused', async () => {
    server = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/tsunagu.ts'), 'serve'], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${out}`)), 60_000);
      server!.stdout!.on('data', (d) => {
        out += d;
        const m = /FHIR API:\s+(http:\/\/\S+)\/fhir.*\n\s*Token:.*\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
      server!.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(url).not.toMatch(/:0$/);

    const meta = await fetch(`${url}/fhir/metadata`);
    expect(meta.status).toBe(200);
    const cs = (await meta.json()) as { resourceType: string; fhirVersion: string };
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });

    // The printed token URL is the one the discovery document names, whatever Host the request carries.
    expect(out).toContain(`Token:      ${url}/auth/token`);
    const discovery = await new Promise<string>((done, fail) =>
      httpRequest(`${url}/.well-known/smart-configuration`, { headers: { host: 'evil.example' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d)).on('end', () => done(body));
      })
        .on('error', fail)
        .end(),
    );
    expect(JSON.parse(discovery).token_endpoint).toBe(`${url}/auth/token`);

    // The vendor flow: signed assertion → access token → FHIR call.
    const assertion = await cli(['client', 'assertion', '--key', keyFile, '--client-id', clientId, '--aud', `${url}/auth/token`], env);
    expect(assertion.code, assertion.err).toBe(0);
    const tokenRes = await fetch(`${url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.cruds',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion.out.trim(),
      }),
    });
    expect(tokenRes.status).toBe(200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const created = await fetch(`${url}/fhir/Patient`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Patient', name: [{ family: '山田', given: ['太郎'] }], birthDate: '1970-01-01' }),
    });
    expect(created.status).toBe(201);
    // The locally minted token works too; no token is a 401.
    expect((await fetch(`${url}/fhir/Patient?family=山田`, { headers: { authorization: `Bearer ${localToken}` } })).status).toBe(200);
    expect((await fetch(`${url}/fhir/Patient`)).status).toBe(401);

    const second = await cli(['token', '--client-id', clientId], env);
    expect(second.code).toBe(1);
    expect(second.err).toContain('in use by process');

    server.kill('SIGTERM');
    const code = await new Promise((r) => server!.on('exit', r));
    expect(code).toBe(0);
    server = undefined;
    // Stopped: the data directory is free again.
    expect((await run(tokenCommand, ['--client-id', clientId, '--data-dir', dataDir])).code).toBe(0);
  }, 120_000);
});
