/** The reception screen's pure helpers: the service's answers read, the words shown, the checks of what the desk enters. */
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  birthLine,
  copayText,
  insuranceScheme,
  japaneseDates,
  printedInsurerNumber,
  publicProgramme,
  readerRefusal,
  wareki,
} from '../../web/clinic/reception/labels.ts';
import { patientOf, readerConsentBody, readReaderAnswer, readVerifyAnswer, verifyInsuranceBody } from '../../web/clinic/reception/parameters.ts';
import { checkCardFile, checkDigitOf, checkInsuranceForm, checkPin, isDate, japanToday } from '../../web/clinic/reception/validate.ts';

const PATIENT = {
  resourceType: 'Patient',
  id: 'p1',
  name: [
    {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' }],
      text: 'ヨシダ ハナコ',
      family: 'ヨシダ',
      given: ['ハナコ'],
    },
    {
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' }],
      text: '𠮷田 花子',
      family: '𠮷田',
      given: ['花子'],
    },
  ],
  gender: 'female',
  birthDate: '1981-08-04',
};

describe('reading the answers', () => {
  it('an eligible card answer: patient (IDE name exactly, SYL kana), summary, Coverage periods, payor', () => {
    const a = readVerifyAnswer({
      resourceType: 'Parameters',
      parameter: [
        { name: 'result', valueBoolean: true },
        { name: 'code', valueCoding: { code: 'eligible' } },
        { name: 'message', valueString: '資格が確認できました' },
        { name: 'diagnostics', valueString: 'eligible' },
        { name: 'visitDate', valueDate: '2026-12-02' },
        { name: 'method', valueCode: 'card-pin' },
        { name: 'visit', valueString: 'v1.x' },
        { name: 'patient', resource: PATIENT },
        {
          name: 'coverage',
          resource: {
            resourceType: 'Coverage',
            type: { coding: [{ display: '国保' }] },
            payor: [{ reference: 'Organization/o1' }],
            extension: [
              {
                url: 'https://tsunagu.dev/fhir/StructureDefinition/eligibility-elderly-recipient',
                extension: [{ url: 'period', valuePeriod: { start: '2024-04-01' } }],
              },
              {
                url: 'https://tsunagu.dev/fhir/StructureDefinition/eligibility-public-expense',
                extension: [
                  { url: 'payer', valueIdentifier: { value: '88132014' } },
                  { url: 'period', valuePeriod: { start: '2022-09-03' } },
                ],
              },
            ],
          },
        },
        {
          name: 'eligibility',
          part: [
            { name: 'insurerNumber', valueString: '00138016' },
            { name: 'symbol', valueString: '千代01' },
            { name: 'number', valueString: '104512' },
            { name: 'branch', valueString: '01' },
            { name: 'relationship', valueCode: 'insured' },
            { name: 'acquiredOn', valueDate: '2023-04-01' },
            { name: 'copayRatio', valueInteger: 2 },
            { name: 'limitCategory', valueCoding: { code: 'u70-u', display: '区分ウ' } },
            { name: 'elderlyCopayRatio', valueInteger: 2 },
            {
              name: 'specificDisease',
              part: [
                { name: 'disease', valueCoding: { code: 'dialysis', display: '人工腎臓' } },
                { name: 'monthlyLimit', valueMoney: { value: 10000 } },
              ],
            },
            {
              name: 'publicExpense',
              part: [
                { name: 'payer', valueIdentifier: { value: '88132014' } },
                { name: 'recipient', valueString: '2103372' },
              ],
            },
          ],
        },
      ],
    });
    expect(a).toMatchObject({ ok: true, code: 'eligible', visit: 'v1.x', method: 'card-pin', payor: 'Organization/o1', insuranceType: '国保', problems: [] });
    expect(a.patient).toEqual({ id: 'p1', name: '𠮷田 花子', kana: 'ヨシダ ハナコ', birthDate: '1981-08-04', gender: 'female' });
    expect(a.eligibility).toMatchObject({
      insurerNumber: '00138016',
      copayRatio: 2,
      limitCategory: { code: 'u70-u', display: '区分ウ' },
      elderlyCopayRatio: 2,
      elderlyValidFrom: '2024-04-01',
      specificDiseases: [{ code: 'dialysis', monthlyLimitYen: 10000 }],
      publicExpenses: [{ payer: '88132014', recipient: '2103372', validFrom: '2022-09-03' }],
    });
  });

  it('a refusal: the message in both languages and the field its OperationOutcome names', () => {
    const a = readVerifyAnswer({
      resourceType: 'Parameters',
      parameter: [
        { name: 'result', valueBoolean: false },
        { name: 'code', valueCoding: { code: 'invalid-number' } },
        { name: 'message', valueString: '番号に誤りがあります' },
        { name: 'diagnostics', valueString: 'the number is invalid' },
        {
          name: 'outcome',
          resource: {
            resourceType: 'OperationOutcome',
            issue: [{ details: { text: '保険者番号の誤り' }, diagnostics: 'bad insurer', expression: ["Parameters.parameter.where(name='insurerNumber')"] }],
          },
        },
      ],
    });
    expect(a.ok).toBe(false);
    expect(a.text).toEqual({ ja: '番号に誤りがあります', en: 'the number is invalid' });
    expect(a.problems).toEqual([{ field: 'insurerNumber', text: { ja: '保険者番号の誤り', en: 'bad insurer' } }]);
    expect(a.patient).toBeUndefined();
    expect(readVerifyAnswer('nonsense')).toMatchObject({ ok: false, code: 'unknown' });
  });

  it('a patient without a usable name is none; the reader’s answers; the requests', () => {
    expect(patientOf({ resourceType: 'Patient', id: 'x', name: [] })).toBeUndefined();
    expect(readReaderAnswer({ ok: false, code: 'wrong-pin', ja: 'j', en: 'e', retriesLeft: 1 })).toEqual({
      ok: false,
      code: 'wrong-pin',
      ja: 'j',
      en: 'e',
      retriesLeft: 1,
    });
    expect(readReaderAnswer(undefined)).toMatchObject({ ok: false, code: 'unknown' });
    expect(readerConsentBody('v', { medication: true, surgery: false, checkup: true }).parameter).toEqual([
      { name: 'visit', valueString: 'v' },
      { name: 'medication', valueBoolean: true },
      { name: 'surgery', valueBoolean: false },
      { name: 'checkup', valueBoolean: true },
    ]);
    expect(
      verifyInsuranceBody({
        source: 'eligibility-certificate',
        insurerNumber: '39130018',
        symbol: '',
        number: '10234561',
        branch: '',
        birthDate: '1936-09-18',
      }).parameter?.map((p) => p.name),
    ).toEqual(['source', 'insurerNumber', 'number', 'birthDate']);
  });
});

describe('words', () => {
  it('和暦 at the era boundaries, ages, the birth line', () => {
    expect(wareki('2019-05-01')).toBe('令和元年5月1日');
    expect(wareki('2019-04-30')).toBe('平成31年4月30日');
    expect(wareki('1989-01-07')).toBe('昭和64年1月7日');
    expect(wareki('1989-01-08')).toBe('平成元年1月8日');
    expect(wareki('1926-12-25')).toBe('昭和元年12月25日');
    expect(wareki('1958-10-22')).toBe('昭和33年10月22日');
    expect(wareki('bad')).toBeUndefined();
    expect(ageOn('1958-10-22', '2026-10-21')).toBe(67);
    expect(ageOn('1958-10-22', '2026-10-22')).toBe(68);
    expect(birthLine('1958-10-22', '2026-12-02')).toEqual({ ja: '1958年10月22日（昭和33年10月22日）・68歳', en: '22 Oct 1958, 68 years' });
  });

  it('負担割合, insurer numbers and schemes, 公費 programmes', () => {
    expect(japaneseDates('資格喪失：2023-04-01 に資格を喪失しています')).toBe('資格喪失：2023年4月1日 に資格を喪失しています');
    expect(copayText(3)).toEqual({ ja: '3割', en: '30%' });
    expect(printedInsurerNumber('00138016')).toBe('138016');
    expect(printedInsurerNumber('01130012')).toBe('01130012');
    expect(insuranceScheme('00138016').ja).toBe('国民健康保険');
    expect(insuranceScheme('39130018').ja).toBe('後期高齢者医療');
    expect(publicProgramme('54136015').ja).toBe('指定難病（難病法 特定医療）');
    expect(publicProgramme('88132014').ja).toBe('東京都地方単独の医療費助成（乳幼児・子ども医療費助成など、法別88）');
    expect(publicProgramme('77000000').ja).toBe('公費負担医療（法別77）');
  });

  it('the reader’s refusals: tries left, the lock and the municipal office', () => {
    expect(readerRefusal('wrong-pin', 1, { ja: '', en: '' }).text.ja).toBe('暗証番号が違います。あと1回間違えると、カードの暗証番号がロックされます。');
    expect(readerRefusal('pin-locked', 0, { ja: '', en: '' }).advice?.ja).toContain('市区町村の窓口で再設定');
    expect(readerRefusal('something-else', undefined, { ja: 'そのまま', en: 'as is' }).text).toEqual({ ja: 'そのまま', en: 'as is' });
  });
});

describe('checks', () => {
  it('card files and PINs', () => {
    expect(checkCardFile('not json')).toMatchObject({ ok: false });
    expect(checkCardFile('{"format":"other"}')).toMatchObject({ ok: false });
    expect(checkCardFile('{"format":"tsunagu-virtual-card/1","cardId":"c1"}')).toMatchObject({ ok: true, cardId: 'c1' });
    expect(checkPin('１２３４')).toEqual({ ok: true, pin: '1234' });
    expect(checkPin('')).toMatchObject({ ok: false, text: { ja: '暗証番号（数字4桁）を入力してください。' } });
    expect(checkPin('12a4')).toMatchObject({ ok: false, text: { ja: '暗証番号は数字4桁です。' } });
  });

  it('insurer numbers by their check digit (the demo’s numbers), every field, dates', () => {
    for (const n of ['138016', '01130012', '39130018']) expect(checkDigitOf(n.slice(0, -1))).toBe(Number(n.slice(-1)));
    const base = {
      source: 'eligibility-certificate' as const,
      insurerNumber: '１３８０１６',
      symbol: ' 千代01 ',
      number: '104512',
      branch: '1',
      birthDate: '1958-10-22',
    };
    expect(checkInsuranceForm(base, '2026-12-02')).toEqual({
      ok: true,
      query: { source: 'eligibility-certificate', insurerNumber: '138016', symbol: '千代01', number: '104512', branch: '01', birthDate: '1958-10-22' },
    });
    const bad = checkInsuranceForm({ ...base, insurerNumber: '138017', symbol: 'a b', number: '', branch: 'x', birthDate: '2027-01-01' }, '2026-12-02');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.problems).sort()).toEqual(['birthDate', 'branch', 'insurerNumber', 'number', 'symbol']);
    const short = checkInsuranceForm({ ...base, insurerNumber: '1234567', birthDate: '1958-02-30' }, '2026-12-02');
    expect(short.ok ? {} : short.problems).toMatchObject({
      insurerNumber: { ja: '保険者番号は8桁（国民健康保険は6桁）です（入力は7桁）。' },
      birthDate: { ja: '生年月日が正しい日付ではありません。' },
    });
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2023-02-29')).toBe(false);
    expect(japanToday(new Date('2026-12-02T15:30:00Z'))).toBe('2026-12-03');
  });
});
