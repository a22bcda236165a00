/**
 * The machine's floor for an audited read, measured beside ours in the same run: the least any server can do for a
 * read whose access record is durable before the data leaves — Fastify, one primary-key SELECT of the document and
 * one INSERT of an access row (committed, fsync'd) through `pg`, nothing else (no auth, no policy, no hash chain).
 * Runs in its own process like the Tsunagu bench server; reports `{ port, ids }` to the parent over IPC.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { benchPatient, labObservation } from './documents.ts';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
await pool.query(`CREATE TABLE docs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), content text NOT NULL);
  CREATE TABLE access_log (id bigserial PRIMARY KEY, recorded timestamptz NOT NULL DEFAULT now(), entity text NOT NULL)`);
const docs = Array.from({ length: 200 }, (_, i) =>
  JSON.stringify({ ...labObservation('bench', i), subject: { display: JSON.stringify(benchPatient(i)).slice(0, 40) } }),
);
const ids = (await pool.query<{ id: string }>('INSERT INTO docs (content) SELECT unnest($1::text[]) RETURNING id', [docs])).rows.map((r) => r.id);

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/doc/:id', async (request, reply) => {
  const row = (await pool.query<{ content: string }>({ name: 'doc', text: 'SELECT content FROM docs WHERE id = $1', values: [request.params.id] })).rows[0];
  if (!row) return reply.code(404).send();
  await pool.query({ name: 'log', text: 'INSERT INTO access_log (entity) VALUES ($1)', values: [request.params.id] });
  return reply.type('application/fhir+json').send(row.content);
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0, ids });
process.on('message', async (m) => {
  if (m === 'stop') {
    await app.close();
    await pool.end();
    process.exit(0);
  }
});
