/**
 * QuestionnaireResponse answers against their Questionnaire (予診票), following the HL7 validator's
 * QuestionnaireValidator: which findings are errors, warnings or information, and how many.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { describeErrors as allErrors, errors as allErrorIssues, warnings } from './helpers.ts';

const Q_URL = 'http://tsunagu.example.jp/fhir/Questionnaire/yoshinhyo';

/** A small pre-vaccination questionnaire (予診票). */
function yoshinhyo(): Record<string, unknown> {
  return {
    resourceType: 'Questionnaire',
    id: 'yoshinhyo',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">予診票</div>' },
    url: Q_URL,
    status: 'active',
    item: [
      { linkId: 'intro', type: 'display', text: '接種前にお答えください' },
      { linkId: 'temp', type: 'decimal', text: '今日の体温', required: true },
      { linkId: 'fever', type: 'boolean', text: '発熱がありますか', required: true },
      {
        linkId: 'fever-days',
        type: 'integer',
        text: '何日前からですか',
        required: true,
        enableWhen: [{ question: 'fever', operator: '=', answerBoolean: true }],
      },
      {
        linkId: 'allergy',
        type: 'choice',
        text: 'アレルギー',
        repeats: true,
        answerOption: [
          { valueCoding: { system: 'http://tsunagu.example.jp/cs/allergy', code: 'egg', display: '卵' } },
          { valueCoding: { system: 'http://tsunagu.example.jp/cs/allergy', code: 'milk', display: '牛乳' } },
        ],
      },
      { linkId: 'other', type: 'open-choice', text: 'その他', answerOption: [{ valueCoding: { system: 'http://tsunagu.example.jp/cs/x', code: 'a' } }] },
      { linkId: 'note', type: 'string', text: '備考', maxLength: 10 },
      {
        linkId: 'family',
        type: 'group',
        text: '家族歴',
        item: [{ linkId: 'family-conv', type: 'boolean', text: 'けいれん', required: true }],
      },
      {
        linkId: 'age',
        type: 'integer',
        text: '年齢',
        enableWhen: [
          { question: 'temp', operator: '>=', answerDecimal: 37.5 },
          { question: 'fever', operator: 'exists', answerBoolean: true },
        ],
        enableBehavior: 'all',
      },
    ],
  };
}

/** A completed, valid response to it. */
function response(): Record<string, unknown> {
  return {
    resourceType: 'QuestionnaireResponse',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">予診票の回答</div>' },
    questionnaire: Q_URL,
    status: 'completed',
    item: [
      { linkId: 'temp', answer: [{ valueDecimal: 36.5 }] },
      { linkId: 'fever', answer: [{ valueBoolean: false }] },
      { linkId: 'allergy', answer: [{ valueCoding: { system: 'http://tsunagu.example.jp/cs/allergy', code: 'egg' } }] },
      { linkId: 'family', item: [{ linkId: 'family-conv', answer: [{ valueBoolean: false }] }] },
    ],
  };
}

type R = Record<string, unknown> & { item: Record<string, unknown>[] };

// que-7 (`answer is Boolean`) is evaluated with the reference's reading (model/invariant-fixes.ts): no filter needed.
const describeErrors = (oo: OperationOutcome): string[] => allErrors(oo);
const errors = (oo: OperationOutcome) => allErrorIssues(oo);

const diag = (oo: OperationOutcome, sev?: string) =>
  (oo.issue ?? []).filter((i) => !sev || i.severity === sev).map((i) => `${i.expression?.[0]} | ${i.diagnostics}`);

describe('QuestionnaireResponse against its Questionnaire', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await loadConformance({ packages: [] });
    c.definitions.terminology.questionnaires.add(Q_URL, undefined, yoshinhyo(), 'test');
  });

  it('accepts a correct completed response', () => {
    const oo = c.validate(response());
    expect(describeErrors(oo)).toEqual([]);
    expect(warnings(oo)).toEqual([]);
  });

  it('reports an unknown linkId (one error)', () => {
    const qr = response() as R;
    qr.item.push({ linkId: 'nope', answer: [{ valueBoolean: true }] });
    const oo = c.validate(qr);
    expect(describeErrors(oo)).toEqual(["QuestionnaireResponse.item[4] | LinkId 'nope' not found in questionnaire"]);
  });

  it('reports an item nested in the wrong place, and checks it against its definition', () => {
    const qr = response() as R;
    qr.item.push({ linkId: 'family-conv', answer: [{ valueString: 'x' }] });
    const oo = c.validate(qr);
    expect(describeErrors(oo)).toEqual([
      'QuestionnaireResponse.item[4] | Structural Error: item with linkid family-conv is in the wrong place',
      'QuestionnaireResponse.item[4].answer[0].value.ofType(String) | Answer value must be of type boolean',
    ]);
  });

  it('reports items out of order', () => {
    const qr = response() as R;
    qr.item = [qr.item[1], qr.item[0], qr.item[2], qr.item[3]];
    expect(describeErrors(c.validate(qr))).toEqual(['QuestionnaireResponse.item[1] | Structural Error: items are out of order']);
  });

  it('requires required items when completed (error), warns while in progress', () => {
    const qr = response() as R;
    qr.item.splice(0, 1); // temp
    expect(describeErrors(c.validate(qr))).toEqual(["QuestionnaireResponse | No response found for required item with id = 'temp'"]);
    qr.status = 'in-progress';
    const oo = c.validate(qr);
    expect(errors(oo)).toEqual([]);
    expect(diag(oo, 'warning')).toEqual(["QuestionnaireResponse | No response found for required item with id = 'temp'"]);
    qr.status = 'amended';
    expect(errors(c.validate(qr))).toHaveLength(1);
  });

  it('requires required items inside groups', () => {
    const qr = response() as R;
    qr.item[3] = { linkId: 'family' };
    // a group without children counts as absent; the group itself is not required
    expect(describeErrors(c.validate(qr))).toEqual([]);
    qr.item[3] = { linkId: 'family', item: [{ linkId: 'family-conv', text: 'けいれん' }] };
    expect(describeErrors(c.validate(qr))).toEqual(["QuestionnaireResponse.item[3] | No response found for required item with id = 'family-conv'"]);
  });

  it('enableWhen: a required item is only required when enabled; a disabled item must not be answered', () => {
    const qr = response() as R;
    qr.item[1] = { linkId: 'fever', answer: [{ valueBoolean: true }] };
    expect(describeErrors(c.validate(qr))).toEqual(["QuestionnaireResponse | No response found for required item with id = 'fever-days'"]);
    qr.item.splice(2, 0, { linkId: 'fever-days', answer: [{ valueInteger: 2 }] });
    expect(describeErrors(c.validate(qr))).toEqual([]);
    qr.item[1] = { linkId: 'fever', answer: [{ valueBoolean: false }] };
    expect(describeErrors(c.validate(qr))).toEqual(["QuestionnaireResponse.item[2] | Item has answer, even though it is not enabled (item id = 'fever-days')"]);
  });

  it('enableWhen with enableBehavior all, operators >= and exists', () => {
    const qr = response() as R;
    qr.item.push({ linkId: 'age', answer: [{ valueInteger: 3 }] });
    // temp 36.5 < 37.5: not enabled
    expect(describeErrors(c.validate(qr))).toEqual(["QuestionnaireResponse.item[4] | Item has answer, even though it is not enabled (item id = 'age')"]);
    qr.item[0] = { linkId: 'temp', answer: [{ valueDecimal: 37.5 }] };
    expect(describeErrors(c.validate(qr))).toEqual([]); // 37.5 >= 37.5 and fever exists
  });

  it('checks answer types by item type', () => {
    const qr = response() as R;
    qr.item[0] = { linkId: 'temp', answer: [{ valueString: '36.5' }] };
    qr.item[1] = { linkId: 'fever', answer: [{ valueCoding: { code: 'no' } }] };
    expect(describeErrors(c.validate(qr))).toEqual([
      'QuestionnaireResponse.item[0].answer[0].value.ofType(String) | Answer value must be of type decimal',
      'QuestionnaireResponse.item[1].answer[0].value.ofType(Coding) | Answer value must be of type boolean',
    ]);
  });

  it('choice answers must be one of answerOption; open-choice also takes free text', () => {
    const qr = response() as R;
    qr.item[2] = {
      linkId: 'allergy',
      answer: [
        { valueCoding: { system: 'http://tsunagu.example.jp/cs/allergy', code: 'egg' } },
        { valueCoding: { system: 'http://tsunagu.example.jp/cs/allergy', code: 'soba' } },
      ],
    };
    qr.item.splice(3, 0, { linkId: 'other', answer: [{ valueString: 'そば' }] });
    expect(describeErrors(c.validate(qr))).toEqual([
      'QuestionnaireResponse.item[2].answer[1].value.ofType(Coding) | The code http://tsunagu.example.jp/cs/allergy::soba is not a valid option',
    ]);
    qr.item[3] = { linkId: 'other', answer: [{ valueCoding: { system: 'http://tsunagu.example.jp/cs/x', code: 'b' } }] };
    expect(describeErrors(c.validate(qr))).toHaveLength(2);
  });

  it('choice answers of other types must be among the options of that type', () => {
    const q = yoshinhyo() as R;
    q.url = 'http://tsunagu.example.jp/fhir/Questionnaire/options';
    q.item = [
      { linkId: 'dose', type: 'choice', answerOption: [{ valueInteger: 1 }, { valueInteger: 2 }] },
      { linkId: 'site', type: 'choice', answerOption: [{ valueString: '左上腕' }, { valueString: '右上腕' }] },
    ];
    c.definitions.terminology.questionnaires.add(q.url as string, undefined, q, 'test');
    const qr = {
      resourceType: 'QuestionnaireResponse',
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">回答</div>' },
      questionnaire: q.url,
      status: 'completed',
      item: [
        { linkId: 'dose', answer: [{ valueInteger: 2 }] },
        { linkId: 'site', answer: [{ valueString: '右上腕' }] },
      ],
    };
    expect(describeErrors(c.validate(qr))).toEqual([]);
    qr.item[0].answer = [{ valueInteger: 3 }];
    qr.item[1].answer = [{ valueDate: '2026-12-01' } as never];
    expect(describeErrors(c.validate(qr))).toEqual([
      'QuestionnaireResponse.item[0].answer[0].value.ofType(Integer) | The integer 3 is not a valid option',
      'QuestionnaireResponse.item[1].answer[0].value.ofType(Date) | Option list has no option values of type date',
    ]);
  });

  it('allows several answers only when the item repeats (one error)', () => {
    const qr = response() as R;
    qr.item[1] = { linkId: 'fever', answer: [{ valueBoolean: false }, { valueBoolean: false }] };
    expect(describeErrors(c.validate(qr))).toEqual(['QuestionnaireResponse.item[1].answer[1] | Only one response answer item with this linkId allowed']);
  });

  it('allows several items with one linkId only when the item repeats', () => {
    const qr = response() as R;
    qr.item.splice(1, 0, { linkId: 'temp', answer: [{ valueDecimal: 36.6 }] });
    expect(describeErrors(c.validate(qr))).toEqual([
      "QuestionnaireResponse.item[1] | Only one response item with linkId 'temp' allowed unless it repeats (found 2)",
    ]);
  });

  it('group items take no answers; display items no children; questions keep children under answer', () => {
    const qr = response() as R;
    qr.item[3] = { linkId: 'family', answer: [{ valueBoolean: true }], item: [{ linkId: 'family-conv', answer: [{ valueBoolean: false }] }] };
    qr.item.unshift({ linkId: 'intro', item: [{ linkId: 'temp', answer: [{ valueDecimal: 1 }] }] });
    qr.item[2] = { linkId: 'fever', answer: [{ valueBoolean: false }], item: [{ linkId: 'x' }] };
    const oo = c.validate(qr);
    expect(describeErrors(oo)).toEqual(
      expect.arrayContaining([
        'QuestionnaireResponse.item[4].answer[0] | Items of type group should not have answers',
        'QuestionnaireResponse.item[0] | Items of type display should not have items - linkId intro',
        'QuestionnaireResponse.item[2] | Items not of type group should not have items outside answers (use answer.item not .item) - linkId fever',
      ]),
    );
  });

  it('answers on display items: warning', () => {
    const qr = response() as R;
    qr.item.unshift({ linkId: 'intro', answer: [{ valueString: 'はい' }] });
    const oo = c.validate(qr);
    expect(errors(oo)).toEqual([]);
    expect(diag(oo, 'warning')).toEqual(["QuestionnaireResponse.item[0].answer[0] | Items of type display should not have answers (linkId 'intro')"]);
  });

  it('item text must match the definition when given', () => {
    const qr = response() as R;
    qr.item[0] = { linkId: 'temp', text: '体温', answer: [{ valueDecimal: 36.5 }] };
    expect(describeErrors(c.validate(qr))).toEqual([
      'QuestionnaireResponse.item[0] | If text exists, it must match the questionnaire definition for linkId temp',
    ]);
  });

  it('maxLength: warning', () => {
    const qr = response() as R;
    qr.item.splice(3, 0, { linkId: 'note', answer: [{ valueString: 'あいうえおかきくけこさ' }] });
    const oo = c.validate(qr);
    expect(errors(oo)).toEqual([]);
    expect(diag(oo, 'warning')).toEqual([
      "QuestionnaireResponse.item[3].answer[0].value.ofType(String) | The answer is 11 characters long, more than the item's maxLength 10",
    ]);
  });

  it('questionnaire not found: warning only (information for example.org); none named: information', () => {
    const qr = response() as R;
    qr.questionnaire = 'http://tsunagu.example.jp/fhir/Questionnaire/unknown';
    qr.item.push({ linkId: 'nope' });
    let oo = c.validate(qr);
    expect(errors(oo)).toEqual([]);
    expect(diag(oo, 'warning')).toEqual([
      "QuestionnaireResponse.questionnaire | The questionnaire 'http://tsunagu.example.jp/fhir/Questionnaire/unknown' could not be resolved, so no validation can be performed against the base questionnaire",
    ]);
    qr.questionnaire = 'http://example.org/Questionnaire/x';
    oo = c.validate(qr);
    expect(warnings(oo)).toEqual([]);
    expect(diag(oo, 'information').some((d) => /could not be resolved/.test(d))).toBe(true);
    delete qr.questionnaire;
    oo = c.validate(qr);
    expect(errors(oo)).toEqual([]);
    expect(diag(oo, 'information').some((d) => /No questionnaire is identified/.test(d))).toBe(true);
  });

  it('resolves a contained Questionnaire and one in the same Bundle', () => {
    const contained = response() as R;
    contained.questionnaire = '#q';
    contained.contained = [{ ...yoshinhyo(), id: 'q', url: undefined }];
    contained.item.push({ linkId: 'nope' });
    expect(describeErrors(c.validate(contained))).toEqual(["QuestionnaireResponse.item[4] | LinkId 'nope' not found in questionnaire"]);

    const other = 'http://tsunagu.example.jp/fhir/Questionnaire/in-bundle';
    const qr = response() as R;
    qr.questionnaire = `${other}|2`;
    qr.item.push({ linkId: 'nope' });
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:6f0c2f2e-3a3b-4a4c-9d3e-1b2c3d4e5f60', resource: { ...yoshinhyo(), id: undefined, url: other, version: '2' } },
        { fullUrl: 'urn:uuid:6f0c2f2e-3a3b-4a4c-9d3e-1b2c3d4e5f61', resource: qr },
      ],
    };
    expect(describeErrors(c.validate(bundle))).toEqual(["Bundle.entry[1].resource.item[4] | LinkId 'nope' not found in questionnaire"]);
  });

  it('answerValueSet: membership when the value set expands locally', () => {
    const q = yoshinhyo() as R;
    q.url = 'http://tsunagu.example.jp/fhir/Questionnaire/vs';
    q.item = [{ linkId: 'gender', type: 'choice', answerValueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' }];
    c.definitions.terminology.questionnaires.add(q.url as string, undefined, q, 'test');
    const qr = {
      resourceType: 'QuestionnaireResponse',
      questionnaire: q.url,
      status: 'completed',
      item: [{ linkId: 'gender', answer: [{ valueCoding: { system: 'http://hl7.org/fhir/administrative-gender', code: 'female' } }] }],
    };
    expect(describeErrors(c.validate(qr))).toEqual([]);
    qr.item[0].answer[0].valueCoding.code = 'woman';
    const found = describeErrors(c.validate(qr));
    expect(found.filter((d) => /not in the options value set/.test(d))).toHaveLength(1);
  });
});

describe('Questionnaire enableWhen links', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await loadConformance({ packages: [] });
  });

  it('accepts the sample questionnaire', () => {
    expect(describeErrors(c.validate(yoshinhyo()))).toEqual([]);
  });

  it('reports a missing target and a self reference (errors), a later target (warning)', () => {
    const q = yoshinhyo() as R;
    q.item[1] = { ...q.item[1], enableWhen: [{ question: 'missing', operator: 'exists', answerBoolean: true }] };
    q.item[2] = { ...q.item[2], enableWhen: [{ question: 'fever', operator: 'exists', answerBoolean: true }] };
    q.item[4] = { ...q.item[4], enableWhen: [{ question: 'note', operator: 'exists', answerBoolean: true }] };
    const oo = c.validate(q);
    expect(describeErrors(oo)).toEqual([
      "Questionnaire.item[1] | Unable to find an item with the linkId 'missing' which is referenced in the enableWhen for 'temp'",
      'Questionnaire.item[2] | Target for this question enableWhen can\u2019t reference itself',
    ]);
    expect(diag(oo, 'warning')).toContain('Questionnaire.item[4] | The target of this enableWhen rule (note) comes after the question itself');
  });
});
