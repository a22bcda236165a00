/**
 * Questionnaires (予診票) reach the QuestionnaireResponse check from a terminology file (`--tx`, TSUNAGU_TX) as well as
 * from packages; que-7 holds on a valid `exists` enableWhen.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConformance } from '../../src/platform/conformance/index.ts';
import { describeErrors } from './helpers.ts';

const URL = 'http://tsunagu.test/Questionnaire/vaccination';
const questionnaire = {
  resourceType: 'Questionnaire',
  url: URL,
  status: 'active',
  item: [
    { linkId: 'fever', text: '今日、熱がありますか', type: 'boolean', required: true },
    { linkId: 'temp', text: '体温', type: 'decimal', enableWhen: [{ question: 'fever', operator: 'exists', answerBoolean: true }] },
  ],
};
const response = (answer: Record<string, unknown>) => ({
  resourceType: 'QuestionnaireResponse',
  questionnaire: URL,
  status: 'completed',
  item: [{ linkId: 'fever', text: '今日、熱がありますか', answer: [answer] }],
});

describe('Questionnaires from a terminology file', () => {
  it('checks an answer against the Questionnaire the file holds, and accepts the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagu-q-'));
    const file = join(dir, 'questionnaire.json');
    writeFileSync(file, JSON.stringify(questionnaire));
    const c = await loadConformance({ packages: [], terminology: [file] });
    expect(describeErrors(c.validate(response({ valueBoolean: false })))).toEqual([]);
    expect(describeErrors(c.validate(response({ valueString: 'いいえ' }))).length).toBe(1);
  });

  it('does not report que-7 on a valid exists condition', async () => {
    const c = await loadConformance({ packages: [] });
    expect(describeErrors(c.validate(questionnaire)).filter((e) => /que-7/.test(e))).toEqual([]);
    const bad = {
      ...questionnaire,
      item: [questionnaire.item[0], { ...questionnaire.item[1], enableWhen: [{ question: 'fever', operator: 'exists', answerString: 'x' }] }],
    };
    expect(describeErrors(c.validate(bad)).some((e) => /que-7/.test(e))).toBe(true);
  });
});
