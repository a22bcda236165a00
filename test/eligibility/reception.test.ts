/** Reception with a card, end to end in memory: card → certificate link → eligibility on the visit date. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInsurerNumber } from '../../src/services/eligibility/model/numbers.ts';
import { receptionDecision } from '../../src/services/eligibility/reception/reception.ts';
import type { EligibilityRecord } from '../../src/services/eligibility/model/record.ts';
import { cardWorld, FACILITY, type CardWorld } from './card-fixtures.ts';

let w: CardWorld;
beforeAll(async () => {
  w = await cardWorld();
});
afterAll(async () => {
  await w.close();
});

const KYOKAI = makeInsurerNumber('01', '13', '001');
const KUMIAI = makeInsurerNumber('06', '13', '345');

function record(over: Partial<EligibilityRecord>): EligibilityRecord {
  return {
    insurerNumber: KYOKAI,
    symbol: '1234567',
    symbolOriginal: '1234567',
    number: '89',
    numberOriginal: '89',
    branch: '00',
    relationship: 'insured',
    familyName: '山﨑',
    givenName: '花子',
    familyNameKana: 'ヤマザキ',
    givenNameKana: 'ハナコ',
    birthDate: '1985-01-01',
    sex: 'female',
    acquiredOn: '2019-04-01',
    lostOn: null,
    copayRatio: 3,
    limitCategory: null,
    elderly: null,
    specificDiseases: [],
    publicExpenses: [],
    personLinkKey: 'p-42',
    ...over,
  };
}

async function visit(card: Awaited<ReturnType<CardWorld['issue']>>, links: Map<string, string>, records: EligibilityRecord[], visitDate: string) {
  const signed = await card.card.sign(w.challenges.issue(FACILITY).challenge, { faceMatched: true });
  if (!signed.ok) throw new Error(signed.en);
  const verification = await w.verifier.verify(signed.assertion, { facilityCode: FACILITY });
  const personId = verification.ok ? (links.get(verification.serial) ?? null) : null;
  return receptionDecision({ card: verification, personId, records: personId ? records : [], visitDate });
}

describe('receptionDecision', () => {
  it('returns the insurer of the visit date across a mid-month change', async () => {
    const card = await w.issue();
    const links = new Map([[card.serial, 'person-42']]);
    const history = [record({ lostOn: '2024-06-16' }), record({ insurerNumber: KUMIAI, symbol: '12', number: '7', acquiredOn: '2024-06-16' })];
    const before = await visit(card, links, history, '2024-06-15');
    const after = await visit(card, links, history, '2024-06-16');
    expect(before.ok && before.eligibility.record.insurerNumber).toBe(KYOKAI);
    expect(after.ok && after.eligibility.record.insurerNumber).toBe(KUMIAI);
    expect(after.ok && after.personId).toBe('person-42');
  });

  it('says which stage failed: lost eligibility, an unlinked card, a revoked certificate', async () => {
    const card = await w.issue();
    const links = new Map([[card.serial, 'person-43']]);
    expect(await visit(card, links, [record({ lostOn: '2024-04-01' })], '2024-06-01')).toMatchObject({
      ok: false,
      stage: 'eligibility',
      code: 'lost',
    });
    const stranger = await w.issue();
    expect(await visit(stranger, links, [record({})], '2024-06-01')).toMatchObject({ ok: false, stage: 'link', code: 'not-linked' });
    await w.ca.revoke(card.serial, 'keyCompromise');
    await w.publishCrl();
    expect(await visit(card, links, [record({})], '2024-06-01')).toMatchObject({ ok: false, stage: 'card', code: 'revoked' });
  });
});
