/**
 * 資格確認の結果: what the desk needs for the visit, plainly — 氏名 exactly as registered, 生年月日 (西暦・和暦・年齢),
 * the insurer, 記号・番号・枝番, 負担割合, 限度額適用区分 explained, 高齢受給者, 特定疾病, 公費 with its programme, the
 * period of eligibility, how the patient was identified and what they consented to — or a warning when the patient
 * is not eligible on the visit date.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import {
  birthLine,
  CONSENT_TEXT,
  copayText,
  formatDate,
  GENDER,
  insuranceScheme,
  japaneseDates,
  LIMIT_EXPLANATIONS,
  METHODS,
  printedInsurerNumber,
  publicProgramme,
  RELATIONSHIP,
} from './labels.ts';
import { CONSENT_CATEGORIES, type ConsentChoices, type VerifyAnswer } from './parameters.ts';

const T = {
  received: { ja: '受付しました', en: 'Received' },
  eligible: { ja: '資格が確認できました', en: 'Eligibility confirmed' },
  notEligible: { ja: '資格を確認できませんでした', en: 'Eligibility could not be confirmed' },
  name: { ja: '氏名', en: 'Name' },
  groupPerson: { ja: '患者さん', en: 'Patient' },
  groupPayment: { ja: '窓口での負担', en: 'What the patient pays' },
  groupInsurance: { ja: '保険', en: 'Insurance' },
  groupVisit: { ja: '受付', en: 'Reception' },
  birth: { ja: '生年月日', en: 'Date of birth' },
  gender: { ja: '性別', en: 'Sex' },
  insurer: { ja: '保険者', en: 'Insurer' },
  insurerNumber: { ja: '保険者番号', en: 'Insurer number' },
  card: { ja: '記号・番号・枝番', en: 'Symbol, number, branch' },
  relationship: { ja: '本人・家族', en: 'Insured or dependant' },
  copay: { ja: '負担割合', en: 'Copayment' },
  limit: { ja: '限度額適用区分', en: 'High-cost category' },
  noLimit: { ja: '登録なし', en: 'none registered' },
  elderly: { ja: '高齢受給者', en: 'Elderly recipient' },
  elderlyText: { ja: '高齢受給者証あり（負担割合 {r}）', en: 'Elderly recipient certificate ({r})' },
  specific: { ja: '特定疾病', en: 'Specific disease' },
  monthly: { ja: '自己負担限度額 月{yen}円', en: 'monthly cap ¥{yen}' },
  publicExpense: { ja: '公費', en: 'Public funding' },
  payer: { ja: '公費負担者番号', en: 'Payer number' },
  recipient: { ja: '受給者番号', en: 'Recipient number' },
  valid: { ja: '有効期間', en: 'Valid' },
  period: { ja: '資格の有効期間', en: 'Eligibility period' },
  from: { ja: '{d}から', en: 'from {d}' },
  until: { ja: '{d}まで', en: 'until {d}' },
  noEnd: { ja: '（終了日の登録なし）', en: '(no end date)' },
  visitDate: { ja: '受診日', en: 'Visit date' },
  method: { ja: '確認方法', en: 'Identified by' },
  consent: { ja: '情報提供への同意', en: 'Consent to share' },
  yes: { ja: '同意あり', en: 'consented' },
  no: { ja: '同意なし', en: 'not consented' },
  consentValid: { ja: '同意は今から24時間有効です。', en: 'The consent lasts 24 hours.' },
  declined: {
    ja: '患者さんは情報の提供に同意しませんでした。他の医療機関・薬局の情報（薬剤情報・診療情報・健診情報など）はこの医療機関に表示されません。診療はいつもどおり行えます。',
    en: 'The patient did not consent: information from other facilities will not be shown here. Care goes on as usual.',
  },
  someDeclined: {
    ja: '「同意なし」の情報は、この医療機関に表示されません。',
    en: 'Information without consent will not be shown here.',
  },
  numberRoute: {
    ja: '番号入力での受付では、情報提供への同意は記録できません（マイナンバーカードでの受付が必要です）。共有された情報は表示されません。',
    en: 'A reception by number cannot carry a consent (the My Number card is needed); shared information will not be shown.',
  },
  skipped: { ja: '同意は記録されていません。共有された情報は表示されません。', en: 'No consent was recorded; shared information will not be shown.' },
  openPatient: { ja: '患者ページを開く', en: 'Open the patient page' },
  next: { ja: '次の患者さんを受付', en: 'Next patient' },
  advice: {
    ja: '保険が変わっていないか患者さんにお尋ねし、新しい資格確認書などの提示をお願いしてください。確認できないときは、いったん全額自己負担（10割）でお支払いいただく扱いになります。',
    en: 'Ask whether the patient’s insurance has changed and for their new certificate. If it cannot be confirmed, the patient pays in full for now.',
  },
} satisfies Record<string, Text>;

interface Row {
  key: string;
  label: Text;
  value: ReactNode;
  wide?: boolean;
}

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

export type ConsentState = { kind: 'recorded'; choices: ConsentChoices } | { kind: 'number-route' } | { kind: 'skipped' } | { kind: 'not-asked' };

export function ResultPanel({
  answer,
  insurerName,
  consent,
  onNext,
}: {
  answer: VerifyAnswer;
  insurerName?: string;
  consent: ConsentState;
  onNext: () => void;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const p = answer.patient;
  const e = answer.eligibility;
  const range = (from: string | undefined, to: string | undefined): string =>
    [from ? fill(t(T.from), { d: t(formatDate(from)) }) : '', to ? fill(t(T.until), { d: t(formatDate(to)) }) : t(T.noEnd)]
      .filter(Boolean)
      .join(lang === 'ja' ? '' : ' ');

  const person: Row[] = [];
  const payment: Row[] = [];
  const insurance: Row[] = [];
  const visit: Row[] = [];
  if (p) {
    person.push({
      key: 'name',
      label: T.name,
      value: (
        <>
          <span className="reception-name">{p.name}</span>
          {p.kana && <span className="reception-kana">{p.kana}</span>}
        </>
      ),
    });
    person.push({ key: 'birth', label: T.birth, value: t(birthLine(p.birthDate, answer.visitDate)) });
    if (p.gender) person.push({ key: 'gender', label: T.gender, value: t(GENDER[p.gender] ?? { ja: p.gender, en: p.gender }) });
  }
  if (e && answer.ok) {
    const printed = printedInsurerNumber(e.insurerNumber);
    insurance.push({
      key: 'insurer',
      label: T.insurer,
      value: (
        <>
          {insurerName ?? t(insuranceScheme(e.insurerNumber))}
          {answer.insuranceType && <span className="badge reception-badge">{answer.insuranceType}</span>}
        </>
      ),
    });
    insurance.push({ key: 'insurerNumber', label: T.insurerNumber, value: <span className="reception-number">{printed}</span> });
    insurance.push({
      key: 'card',
      label: T.card,
      value: <span className="reception-number">{[e.symbol || '—', e.number, e.branch || '—'].join('・')}</span>,
    });
    if (e.relationship) insurance.push({ key: 'relationship', label: T.relationship, value: t(RELATIONSHIP[e.relationship]) });
    payment.push({ key: 'copay', label: T.copay, value: <span className="reception-copay">{t(copayText(e.copayRatio))}</span> });
    payment.push({
      key: 'limit',
      label: T.limit,
      wide: true,
      value: e.limitCategory ? (
        <>
          <span className="reception-emphasis">{e.limitCategory.display ?? e.limitCategory.code}</span>
          {e.limitCategory.code && LIMIT_EXPLANATIONS[e.limitCategory.code] && (
            <span className="reception-explain">{t(LIMIT_EXPLANATIONS[e.limitCategory.code])}</span>
          )}
        </>
      ) : (
        t(T.noLimit)
      ),
    });
    if (e.elderlyCopayRatio !== undefined)
      payment.push({
        key: 'elderly',
        label: T.elderly,
        value: (
          <>
            {fill(t(T.elderlyText), { r: t(copayText(e.elderlyCopayRatio)) })}
            {(e.elderlyValidFrom || e.elderlyValidTo) && <span className="reception-explain">{range(e.elderlyValidFrom, e.elderlyValidTo)}</span>}
          </>
        ),
      });
    for (const [i, d] of e.specificDiseases.entries())
      payment.push({
        key: `specific-${i}`,
        label: T.specific,
        value: (
          <>
            {d.display ?? d.code}
            {d.monthlyLimitYen !== undefined && (
              <span className="reception-explain">{fill(t(T.monthly), { yen: d.monthlyLimitYen.toLocaleString('ja-JP') })}</span>
            )}
          </>
        ),
      });
    for (const [i, x] of e.publicExpenses.entries())
      payment.push({
        key: `public-${i}`,
        label: T.publicExpense,
        wide: true,
        value: (
          <>
            <span className="reception-emphasis">{t(publicProgramme(x.payer))}</span>
            <span className="reception-explain">
              {t(T.payer)} <span className="reception-number">{x.payer}</span>
              {x.recipient && (
                <>
                  {' / '}
                  {t(T.recipient)} <span className="reception-number">{x.recipient}</span>
                </>
              )}
            </span>
            {(x.validFrom || x.validTo) && (
              <span className="reception-explain">
                {t(T.valid)}
                {lang === 'ja' ? '：' : ': '}
                {range(x.validFrom, x.validTo)}
              </span>
            )}
          </>
        ),
      });
    insurance.push({ key: 'period', label: T.period, value: range(e.acquiredOn, e.lostOn) });
  }
  if (answer.visitDate) visit.push({ key: 'visitDate', label: T.visitDate, value: t(formatDate(answer.visitDate)) });
  if (answer.method) visit.push({ key: 'method', label: T.method, value: t(METHODS[answer.method] ?? { ja: answer.method, en: answer.method }) });

  let consentNote: ReactNode = null;
  if (answer.ok && consent.kind === 'recorded') {
    const c = consent.choices;
    const none = CONSENT_CATEGORIES.every((k) => !c[k]);
    const some = CONSENT_CATEGORIES.some((k) => !c[k]);
    consentNote = (
      <section className="reception-consent-result" aria-labelledby={`${id}-consent`}>
        <h3 id={`${id}-consent`}>{t(T.consent)}</h3>
        <ul>
          {CONSENT_CATEGORIES.map((k) => (
            <li key={k}>
              {t(CONSENT_TEXT[k].title)}
              {lang === 'ja' ? '：' : ': '}
              <strong className={c[k] ? 'reception-yes' : 'reception-no'}>{t(c[k] ? T.yes : T.no)}</strong>
            </li>
          ))}
        </ul>
        <p className={none ? 'notice' : 'note'}>
          {none ? t(T.declined) : `${t(T.consentValid)}${some ? `${lang === 'ja' ? '' : ' '}${t(T.someDeclined)}` : ''}`}
        </p>
      </section>
    );
  } else if (answer.ok && consent.kind === 'number-route') consentNote = <p className="notice">{t(T.numberRoute)}</p>;
  else if (answer.ok && consent.kind === 'skipped') consentNote = <p className="notice">{t(T.skipped)}</p>;

  return (
    <section className="card reception-result" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t(answer.ok ? T.eligible : T.notEligible)}
      </h2>
      {answer.ok ? (
        <p className="success">
          {t(T.received)}
          {p ? (lang === 'ja' ? `：${p.name} さん` : `: ${p.name}`) : ''}
        </p>
      ) : (
        <div className="error reception-warning" role="alert">
          <p>{lang === 'ja' ? japaneseDates(answer.text.ja) : answer.text.en}</p>
          <p className="reception-advice">{t(T.advice)}</p>
        </div>
      )}
      {(
        [
          [T.groupPerson, person],
          [T.groupPayment, payment],
          [T.groupInsurance, insurance],
          [T.groupVisit, visit],
        ] as const
      )
        .filter(([, rows]) => rows.length > 0)
        .map(([title, rows]) => (
          <section key={title.ja} className="reception-group" aria-label={t(title)}>
            <h3>{t(title)}</h3>
            <dl className="reception-facts">
              {rows.map((r) => (
                <div key={r.key} className={r.wide ? 'reception-fact reception-fact-wide' : 'reception-fact'}>
                  <dt>{t(r.label)}</dt>
                  <dd>{r.value}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      {consentNote}
      <div className="row reception-actions">
        {answer.ok && p && (
          <a className="button" href="#patients">
            {t(T.openPatient)}
          </a>
        )}
        <button type="button" className="secondary" onClick={onNext}>
          {t(T.next)}
        </button>
      </div>
    </section>
  );
}
