/**
 * The demo's two routes, for the start page and the apps:
 *   GET /demo/sign-ins            200 { signIns: [...], patients: [{ name, cardUrl, pin }] } when this data directory
 *                                 holds a demo world, else 404
 *   GET /demo/cards/:cardId.json  a demo patient's card file (to load into the virtual reader), else 404
 * Only the demo world's own sign-ins and cards are served: demo-world.json lists them, nothing else is read.
 * Register with `await app.register(async (scope) => demoRoutes(scope, dataDir))` (or call it on the app).
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { demoPaths } from './files.ts';
import { readDemoWorld } from './sign-ins.ts';

const notFound = (reply: FastifyReply, ja: string, en: string) =>
  reply
    .code(404)
    .type('application/json; charset=utf-8')
    .send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', details: { text: ja }, diagnostics: en }] });

const NO_WORLD = ['このサーバーにはデモの世界がありません', 'this server has no demo world'] as const;

export async function demoRoutes(app: FastifyInstance, dataDir: string): Promise<void> {
  const base = demoPaths({ dataDir }).base;
  app.get('/demo/sign-ins', async (_request, reply) => {
    const world = await readDemoWorld(base);
    if (!world) return notFound(reply, ...NO_WORLD);
    reply.header('cache-control', 'no-store');
    return {
      signIns: world.signIns.map(({ role, roleName, displayName, facilityName, facilityCode, login, password, app }) => ({
        role,
        roleName,
        displayName,
        facilityName,
        facilityCode,
        login,
        password,
        app,
      })),
      patients: world.patients.map((p) => ({ name: p.name, cardUrl: `/demo/cards/${p.cardId}.json`, pin: p.pin })),
    };
  });

  app.get<{ Params: { card: string } }>('/demo/cards/:card', async (request, reply) => {
    const world = await readDemoWorld(base);
    if (!world) return notFound(reply, ...NO_WORLD);
    const id = /^([0-9a-f]{8,64})\.json$/.exec(request.params.card)?.[1];
    const patient = id ? world.patients.find((p) => p.cardId === id) : undefined;
    if (!patient) return notFound(reply, 'デモのカードではありません', 'not a demo card');
    const content = await readFile(patient.card, 'utf8').catch(() => undefined);
    if (content === undefined) return notFound(reply, 'カードのファイルがありません', 'the card file is missing');
    reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${id}.json"`);
    return reply.type('application/json; charset=utf-8').send(content);
  });
}
