/**
 * `tsunagu token` — mints an access token for a registered, active client directly from the local data (testing).
 * Like every token, it stops working soon after the client is disabled or deleted.
 */
import { closePlatform } from '../../src/platform/platform.ts';
import { findClient, isSystemClient } from '../../src/platform/auth/clients.ts';
import { intersectScopes, parseScopes } from '../../src/platform/auth/scopes.ts';
import { openLocalPlatform, parse } from '../common.ts';

const USAGE = `tsunagu token --client-id <id> [--scope "<scopes>"] [--lifetime 3600] [--data-dir ./data]

Prints an access token for local testing, e.g.
  curl -H "Authorization: Bearer $(tsunagu token --client-id clinic-1)" http://localhost:8080/fhir/Patient`;

export async function tokenCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { 'client-id': { type: 'string' }, scope: { type: 'string' }, lifetime: { type: 'string' } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  if (!v['client-id']) {
    console.error(USAGE);
    return 2;
  }
  const p = await openLocalPlatform(v['data-dir']);
  try {
    const client = await findClient(p.db, v['client-id']);
    if (!client?.active) {
      const [ja, en] = !client ? ['登録されていません', 'not registered'] : client.deleted ? ['削除済みです', 'deleted'] : ['無効化されています', 'disabled'];
      console.error(`クライアント ${v['client-id']} は${ja} / client ${v['client-id']} is ${en}`);
      return 1;
    }
    if (!isSystemClient(client)) {
      console.error(`クライアント ${v['client-id']} はアプリです（利用者がサインインして使います） / client ${v['client-id']} is an app: people sign in to it`);
      return 1;
    }
    const allowed = parseScopes(client.scopes);
    const granted = v.scope ? intersectScopes(parseScopes(v.scope), allowed) : allowed;
    if (granted.length === 0) {
      console.error('要求したスコープは許可されていません / requested scopes are not allowed for this client');
      return 1;
    }
    console.log(await p.tokens.issue(client, granted, v.lifetime ? Number(v.lifetime) : 3600));
    return 0;
  } finally {
    await closePlatform(p);
  }
}
