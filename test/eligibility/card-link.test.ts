/**
 * POST /eligibility/cards — linking a 利用者証明用電子証明書 to a registered person (what the insurer's My Number
 * registration stands in for). A wrong link lets another card identify as the member, so every refusal is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCardAuthority } from '../../src/services/eligibility/reception/card/index.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { KUMIAI, KYOKAI, auditOf, eligibilityWorld, personRecord, type EligibilityWorld } from './service-fixtures.ts';

describe.each(ENGINES)('linking cards to people (%s)', (engine) => {
  let w: EligibilityWorld;
  const people: Record<string, string> = {};
  const certificateOf = async (c: Awaited<ReturnType<EligibilityWorld['card']>>) => {
    const signed = await c.card.sign('link-test', { pin: '1234' });
    if (!signed.ok) throw new Error('card did not sign');
    return signed.assertion.certificate;
  };
  const link = (token: string, body: Record<string, unknown>) => w.request({ method: 'POST', url: '/eligibility/cards', token, body });

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([
      personRecord({ number: '300' }),
      personRecord({ number: '301', given_name: '次郎', birth_date: '1990-02-02' }),
      personRecord({ insurer_number: KUMIAI, symbol: '12', number: '8', given_name: '組合', birth_date: '1970-07-07' }),
    ]);
    [people.a, people.b, people.kumiai] = reg.results.map((r) => r.patient!.split('/')[1]);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('the insurer links a card of its own member by insured number and birth date; the person sees it in their log', async () => {
    const c = await w.card(people.a, { link: false });
    const certificate = await certificateOf(c);
    const r = await link(w.tokens.kyokai, { certificate, insuredNumber: `${KYOKAI}:1234567:300:00`, birthDate: '1985-01-01' });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ outcome: 'linked', patient: `Patient/${people.a}`, serial: c.serial });
    const again = await link(w.tokens.kyokai, { certificate, insuredNumber: `${KYOKAI}:1234567:300:00`, birthDate: '1985-01-01' });
    expect(again.statusCode).toBe(200);
    expect(json(again).outcome).toBe('already-linked');
    expect((await auditOf(w, people.a)).filter((e) => e.subtype === 'link-card' && e.outcome === '0')).toHaveLength(1);
  });

  it('refuses callers who may not link, and insurers linking someone else’s member', async () => {
    const c = await w.card(people.b, { link: false });
    const certificate = await certificateOf(c);
    const body = { certificate, insuredNumber: `${KYOKAI}:1234567:301:00`, birthDate: '1990-02-02' };
    for (const token of [w.tokens.clinic, w.tokens.pharmacy, w.tokens.municipality]) expect((await link(token, body)).statusCode).toBe(403);
    const otherInsurer = await link(w.tokens.kumiai, body);
    expect(otherInsurer.statusCode).toBe(403);
    expect(json(otherInsurer).resourceType).toBe('OperationOutcome');
    expect((await link(w.tokens.kyokai, { certificate, patient: `Patient/${people.b}` })).statusCode).toBe(403);
    // Wrong birth date (404), or a number that is not the insurer's member (403): nothing is linked.
    expect((await link(w.tokens.kyokai, { ...body, birthDate: '1990-02-03' })).statusCode).toBe(404);
    expect((await link(w.tokens.kyokai, { ...body, insuredNumber: `${KYOKAI}:1234567:999:00` })).statusCode).toBe(403);
    const linked = await w.s.t.platform.db.query('SELECT 1 FROM elig_cards WHERE serial = $1', [c.serial]);
    expect(linked.rowCount).toBe(0);
  });

  it('a certificate belongs to one person; a second valid card needs the first revoked', async () => {
    const c = await w.card(people.b, { link: false });
    const certificate = await certificateOf(c);
    const first = await link(w.tokens.kyokai, { certificate, insuredNumber: `${KYOKAI}:1234567:301:00`, birthDate: '1990-02-02' });
    expect(first.statusCode, first.body).toBe(201);
    // The same certificate for another member.
    const stolen = await link(w.tokens.kyokai, { certificate, insuredNumber: `${KYOKAI}:1234567:300:00`, birthDate: '1985-01-01' });
    expect(stolen.statusCode).toBe(409);
    // Another card for a person who still has a valid one.
    const second = await w.card(people.b, { link: false });
    const secondBody = { certificate: await certificateOf(second), insuredNumber: `${KYOKAI}:1234567:301:00`, birthDate: '1990-02-02' };
    const refused = await link(w.tokens.kyokai, secondBody);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(json(refused).issue[0].details.text).toContain('有効な電子証明書');
    // Once the old certificate is revoked (lost card), the new one can be linked.
    await w.ca.revoke(c.serial, 'keyCompromise');
    await w.publishCrl();
    expect((await link(w.tokens.kyokai, secondBody)).statusCode).toBe(201);
  });

  it('refuses unreadable and untrusted certificates with an OperationOutcome', async () => {
    const bad = await link(w.tokens.kyokai, { certificate: 'not a certificate', insuredNumber: `${KYOKAI}:1234567:300:00`, birthDate: '1985-01-01' });
    expect(bad.statusCode).toBe(400);
    const rogue = await createCardAuthority({ dir: `${w.dir}/rogue-ca` });
    const foreign = await w.card(people.a, { link: false, authority: rogue });
    const untrusted = await link(w.tokens.kyokai, {
      certificate: await certificateOf(foreign),
      insuredNumber: `${KYOKAI}:1234567:300:00`,
      birthDate: '1985-01-01',
    });
    expect(untrusted.statusCode).toBe(422);
    expect(json(untrusted).resourceType).toBe('OperationOutcome');
  });
});
