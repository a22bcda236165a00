/**
 * 資格: the latest reception of the patient at this facility, from the platform's reception history
 * (`GET /fhir/$reception-history?patient=Patient/<id>&_count=1`): the eligibility the desk was answered — insurer,
 * numbers, 負担割合, 限度額適用区分, 高齢受給者, 特定疾病, 公費 — whichever PC received the patient.
 */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import {
  copayText,
  historyPath,
  japanTime,
  japanToday,
  METHOD_NAMES,
  printedInsurer,
  type ReceptionRecord,
  readHistory,
  RELATIONSHIP_NAMES,
} from './eligibility.ts';
import { useRead } from './load.ts';
import { ReadView } from './sections.tsx';
import { japanDay, showDay } from './format.ts';

const T = {
  none: {
    ja: 'この医療機関で過去3か月に受付（資格確認）をした記録がありません。資格情報は受付の資格確認で表示されます。',
    en: 'There is no reception (eligibility check) of this patient at this facility in the last 3 months. Eligibility is shown from the reception’s check.',
  },
  why: {
    ja: '医療機関が見られる資格情報は、自院の受付での資格確認の結果（過去3か月分）だけです。',
    en: 'A facility sees eligibility only through its own checks at reception (the last 3 months).',
  },
  toReception: { ja: '受付の画面へ', en: 'Go to reception' },
  checked: { ja: '資格確認', en: 'Checked' },
  notToday: {
    ja: '本日の資格確認ではありません。本日受診の場合は受付で資格確認をしてください。',
    en: 'This is not today’s check. If the patient is seen today, check eligibility at reception.',
  },
  eligible: { ja: '資格あり', en: 'Eligible' },
  insurer: { ja: '保険者', en: 'Insurer' },
  insurerNumber: { ja: '保険者番号', en: 'Insurer number' },
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
};

function Eligibility({ record }: { record: ReceptionRecord }) {
  const { t } = useI18n();
  const e = record.eligibility;
  const method = record.method ? METHOD_NAMES[record.method] : undefined;
  const rows: [string, string][] = [];
  if (record.insurer) rows.push([t(T.insurer), record.insurer]);
  if (e?.insurerNumber) rows.push([t(T.insurerNumber), printedInsurer(e.insurerNumber)]);
  if (e?.number) rows.push([t(T.numbers), [e.symbol, e.number, e.branch].filter(Boolean).join('・')]);
  if (e?.relationship && RELATIONSHIP_NAMES[e.relationship]) rows.push([t(T.relationship), t(RELATIONSHIP_NAMES[e.relationship])]);
  if (e?.acquiredOn) rows.push([t(T.period), showDay(e.acquiredOn)]);
  const copay = copayText(e?.copayRatio);
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
  const today = japanDay(record.at) === japanToday();
  return (
    <div>
      <p className="patients-checked">
        {t(T.checked)}: {showDay(japanDay(record.at))} {japanTime(record.at)}
        {method && `　${t(method)}`}
        {'　'}
        <span className="badge">{t(T.eligible)}</span>
      </p>
      {!today && (
        <div className="notice" role="note">
          <p>{t(T.notToday)}</p>
        </div>
      )}
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
    </div>
  );
}

export function EligibilitySection({ patientId, round }: { patientId: string; facilityCode?: string; round: number }) {
  const { t } = useI18n();
  const [read, retry] = useRead(
    `${patientId}|${round}`,
    async () => readHistory(await fhir(historyPath({ patient: patientId, count: 1 }))).receptions[0] ?? null,
  );
  return (
    <ReadView read={read} onRetry={retry}>
      {(record) =>
        record ? (
          <Eligibility record={record} />
        ) : (
          <div className="patients-empty">
            <p>{t(T.none)}</p>
            <p className="note">{t(T.why)}</p>
            <p>
              <a href="#reception">{t(T.toReception)}</a>
            </p>
          </div>
        )
      }
    </ReadView>
  );
}
