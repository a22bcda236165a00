/** 資格: today's reception answer for the patient (insurer, 負担割合, 限度額適用区分, 高齢受給者, 指定難病, 公費). */
import { useEffect, useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import {
  copayText,
  japanToday,
  latestReception,
  METHOD_NAMES,
  printedInsurer,
  RECEPTION_LOG_KEY,
  type ReceptionRecord,
  RELATIONSHIP_NAMES,
} from './eligibility.ts';
import { japanDay, showDay } from './format.ts';

const T = {
  none: {
    ja: '本日、この画面で受付（資格確認）をした記録がありません。資格情報は受付の資格確認で表示されます。',
    en: 'There is no reception (eligibility check) of this patient today in this window. Eligibility is shown from the reception’s check.',
  },
  why: {
    ja: '医療機関は、受付の資格確認の結果以外に保険者の資格記録を読み出すことはできません。',
    en: 'A facility sees eligibility only through the check at reception; it cannot read the insurers’ records afterwards.',
  },
  toReception: { ja: '受付の画面へ', en: 'Go to reception' },
  checked: { ja: '資格確認', en: 'Checked' },
  notEligible: { ja: '資格が確認できませんでした（受付の画面で理由をご確認ください）', en: 'Eligibility could not be confirmed (see the reception screen)' },
  eligible: { ja: '資格あり', en: 'Eligible' },
  insurer: { ja: '保険者', en: 'Insurer' },
  insurerNumber: { ja: '保険者番号', en: 'Insurer number' },
  type: { ja: '保険種別', en: 'Insurance' },
  numbers: { ja: '記号・番号・枝番', en: 'Symbol, number, branch' },
  relationship: { ja: '本人・家族', en: 'Insured / dependant' },
  period: { ja: '資格取得日', en: 'Since' },
  copay: { ja: '負担割合', en: 'Copay' },
  limit: { ja: '限度額適用区分', en: 'High-cost limit category' },
  elderly: { ja: '高齢受給者（負担割合）', en: 'Elderly recipient (copay)' },
  disease: { ja: '特定疾病・指定難病', en: 'Specific disease' },
  publicExpense: { ja: '公費', en: 'Public expense' },
  payer: { ja: '公費負担者番号', en: 'payer' },
  recipient: { ja: '受給者番号', en: 'recipient' },
  until: { ja: 'まで', en: 'until' },
  monthly: { ja: '月額上限', en: 'monthly limit' },
  partial: {
    ja: '受付の記録には負担割合のみが残っています。保険者・限度額区分・公費は受付の画面でご確認ください。',
    en: 'The reception record keeps the copay only; see the reception screen for the insurer, limit category and public expense.',
  },
};

function readLog(): string | null {
  try {
    return sessionStorage.getItem(RECEPTION_LOG_KEY);
  } catch {
    return null;
  }
}

const time = (iso: string) => new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(11, 16);

export function EligibilitySection({ patientId, facilityCode, round }: { patientId: string; facilityCode?: string; round: number }) {
  const { t } = useI18n();
  const [record, setRecord] = useState<ReceptionRecord | undefined>(() => latestReception(readLog(), patientId, facilityCode, japanToday()));
  const [insurer, setInsurer] = useState<string | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: round re-reads the log (再読み込み)
  useEffect(() => {
    setRecord(latestReception(readLog(), patientId, facilityCode, japanToday()));
  }, [patientId, facilityCode, round]);
  useEffect(() => {
    setInsurer(undefined);
    if (!record?.payor || record.insurer) return;
    let live = true;
    fhir<{ name?: string }>(record.payor).then(
      (o) => live && setInsurer(typeof o?.name === 'string' ? o.name : undefined),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [record]);

  if (!record)
    return (
      <div className="patients-empty">
        <p>{t(T.none)}</p>
        <p className="note">{t(T.why)}</p>
        <p>
          <a href="#reception">{t(T.toReception)}</a>
        </p>
      </div>
    );
  const e = record.eligibility;
  const method = record.method ? METHOD_NAMES[record.method] : undefined;
  const rows: [string, string][] = [];
  const name = record.insurer ?? insurer;
  if (name) rows.push([t(T.insurer), name]);
  if (e?.insurerNumber) rows.push([t(T.insurerNumber), printedInsurer(e.insurerNumber)]);
  if (record.insuranceType) rows.push([t(T.type), record.insuranceType]);
  if (e?.number) rows.push([t(T.numbers), [e.symbol, e.number, e.branch].filter(Boolean).join('・')]);
  if (e?.relationship && RELATIONSHIP_NAMES[e.relationship]) rows.push([t(T.relationship), t(RELATIONSHIP_NAMES[e.relationship])]);
  if (e?.acquiredOn) rows.push([t(T.period), showDay(e.acquiredOn)]);
  const copay = copayText(e?.copayRatio ?? record.copayRatio);
  if (copay) rows.push([t(T.copay), copay]);
  if (e?.limitCategory?.display || e?.limitCategory?.code) rows.push([t(T.limit), e.limitCategory.display ?? e.limitCategory.code ?? '']);
  if (e?.elderlyCopayRatio !== undefined) rows.push([t(T.elderly), copayText(e.elderlyCopayRatio) ?? '']);
  for (const d of e?.specificDiseases ?? [])
    rows.push([
      t(T.disease),
      [d.display ?? d.code, d.monthlyLimitYen !== undefined ? `${t(T.monthly)} ${d.monthlyLimitYen.toLocaleString('ja-JP')}円` : undefined]
        .filter(Boolean)
        .join('　'),
    ]);
  for (const p of e?.publicExpenses ?? [])
    rows.push([
      t(T.publicExpense),
      [
        p.payer ? `${t(T.payer)} ${p.payer}` : undefined,
        p.recipient ? `${t(T.recipient)} ${p.recipient}` : undefined,
        p.validTo ? `${showDay(p.validTo)} ${t(T.until)}` : undefined,
      ]
        .filter(Boolean)
        .join('　'),
    ]);
  return (
    <div>
      <p className="patients-checked">
        {t(T.checked)}: {showDay(japanDay(record.at))} {time(record.at)}
        {method && `　${t(method)}`}
        {'　'}
        {record.eligible ? <span className="badge">{t(T.eligible)}</span> : <strong>{t(T.notEligible)}</strong>}
      </p>
      {rows.length > 0 && (
        <dl className="patients-facts">
          {rows.map(([k, v]) => (
            <div key={`${k}-${v}`}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {!e && <p className="note">{t(T.partial)}</p>}
    </div>
  );
}
