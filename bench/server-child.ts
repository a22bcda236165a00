/**
 * A Tsunagu server in its own process for benchmarks (so the load generator does not share its event loop).
 * Reads its configuration from the environment; reports `{ port, token }` to the parent over IPC.
 */
import { createTsunagu } from '../src/app.ts';
import { registerClient } from '../src/platform/auth/clients.ts';
import { parseScopes } from '../src/platform/auth/scopes.ts';
import { configFromEnv } from '../src/platform/config.ts';
import { generateClientKey } from '../cli/commands/client.ts';

const t = await createTsunagu(configFromEnv(process.env, { port: 0, host: '127.0.0.1' }));
const client = await registerClient(t.platform.db, {
  name: 'bench facility',
  kind: 'facility',
  facilityCode: '1312345679',
  scopes: ['system/*.*'],
  jwks: { keys: [(await generateClientKey()).publicJwk] },
});
const token = await t.platform.tokens.issue(client, parseScopes(client.scopes), 3600);
await t.app.listen({ port: 0, host: '127.0.0.1' });
const address = t.app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ port, token });
process.on('message', async (m) => {
  if (m === 'stop') {
    await t.close();
    process.exit(0);
  }
});
