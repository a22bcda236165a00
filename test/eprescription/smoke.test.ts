import { afterAll, beforeAll, expect, it } from 'vitest';
import { rxWorld, type RxWorld, out, issueTexts } from './eprescription-world.ts';

let x: RxWorld;
beforeAll(async () => {
  x = await rxWorld('pglite');
}, 120_000);
afterAll(() => x?.close());

it('smoke', async () => {
  const rx = await x.sign(x.prescription(x.alice));
  const r = await x.register(x.tokens.clinic, rx);
  console.log(r.status, JSON.stringify(r.body).slice(0, 3000), issueTexts(r.body));
  expect(r.status).toBe(201);
  const id = out(r.body, 'prescription') as string;
  const ex = out(r.body, 'exchangeNumber') as string;
  const got = await x.op(x.tokens.pharmacy, 'retrieve-prescription', [
    { name: 'exchangeNumber', valueString: ex },
    { name: 'insuredNumber', valueString: x.alice.memberId },
    { name: 'birthDate', valueDate: x.alice.birthDate },
  ]);
  console.log(got.status, JSON.stringify(got.body).slice(0, 1500));
  const acc = await x.op(x.tokens.pharmacy, 'accept-prescription', [{ name: 'prescription', valueString: id }, { name: 'exchangeNumber', valueString: ex }, { name: 'insuredNumber', valueString: x.alice.memberId }, { name: 'birthDate', valueDate: x.alice.birthDate }]);
  console.log(acc.status, JSON.stringify(acc.body).slice(0, 500));
}, 120_000);
