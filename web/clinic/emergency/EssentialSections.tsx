/**
 * The essential set (救急時に必要な情報) as sections: 注意事項 (alerts), お薬 (current drugs and risk classes marked),
 * アレルギー・禁忌, 感染症, 傷病名 (未告知 flagged: not to be told to the patient), 検査 (the latest of each), 手術・透析・
 * 移植. Tables stack into labelled lines on narrow screens (tablet portrait, 200% zoom).
 */
import type { ReactNode } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { useFacilityNames } from '../facility-names.ts';
import type { SharedItem } from '../patient/clinical.ts';
import { showDay } from '../patient/format.ts';
import { DRUG_SOURCES, PROCEDURE_TAGS, RISK_CLASSES } from './labels.ts';
import { DANGER_ALERTS, type DrugLine, type EssentialView, type ProcedureLine } from './model.ts';

const T = {
  alerts: { ja: '注意事項', en: 'Alerts' },
  noAlerts: {
    ja: '登録されている情報の範囲では、特に注意すべき事項はありません。',
    en: 'Nothing calls for particular attention in the information registered.',
  },
  drugs: { ja: 'お薬（過去約6か月・新しい順）', en: 'Medication (about 6 months, newest first)' },
  noDrugs: { ja: 'お薬の記録はありません。', en: 'No medication recorded.' },
  drug: { ja: '薬剤名', en: 'Drug' },
  date: { ja: '日付', en: 'Date' },
  days: { ja: '日数', en: 'Days' },
  where: { ja: '医療機関・薬局', en: 'Facility / pharmacy' },
  source: { ja: '情報源', en: 'Source' },
  current: { ja: '服用中', en: 'Current' },
  dayUnit: { ja: '日分', en: ' days' },
  allergies: { ja: 'アレルギー・禁忌', en: 'Allergies and contraindications' },
  noAllergies: { ja: 'アレルギー・禁忌の記録はありません。', en: 'No allergy or contraindication recorded.' },
  allergen: { ja: 'アレルゲン・薬剤', en: 'Allergen / drug' },
  infections: { ja: '感染症', en: 'Infections' },
  noInfections: { ja: '感染症の記録はありません。', en: 'No infection recorded.' },
  test: { ja: '検査', en: 'Test' },
  result: { ja: '結果', en: 'Result' },
  diagnoses: { ja: '傷病名', en: 'Diagnoses' },
  noDiagnoses: { ja: '傷病名の記録はありません。', en: 'No diagnosis recorded.' },
  diagnosis: { ja: '傷病名', en: 'Diagnosis' },
  labs: { ja: '検査結果（項目ごとの最新）', en: 'Lab results (latest of each)' },
  noLabs: { ja: '検査結果の記録はありません。', en: 'No lab result recorded.' },
  range: { ja: '基準値', en: 'Reference' },
  procedures: { ja: '手術・透析・臓器移植', en: 'Surgery, dialysis, transplant' },
  noProcedures: { ja: '手術・透析・臓器移植の記録はありません。', en: 'No surgery, dialysis or transplant recorded.' },
  kind: { ja: '種類', en: 'Kind' },
  what: { ja: '内容', en: 'Procedure' },
  details: { ja: '補足', en: 'Details' },
  facility: { ja: '医療機関', en: 'Facility' },
  high: { ja: '高', en: 'High' },
  low: { ja: '低', en: 'Low' },
  uninformed: { ja: '患者さんに未告知', en: 'Not told to the patient' },
} satisfies Record<string, Text>;

function Section({ id, title, count, children }: { id: string; title: Text; count?: number; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className="card emergency-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>
        {t(title)}
        {count !== undefined && count > 0 && <span className="emergency-count">{count}</span>}
      </h2>
      {children}
    </section>
  );
}

interface Column<R> {
  title: Text;
  cell: (row: R) => ReactNode;
}

/** A table whose first column heads each row; stacked with the column names on narrow screens. */
function Table<R>({
  caption,
  rows,
  columns,
  rowKey,
  rowClass,
}: {
  caption: Text;
  rows: R[];
  columns: Column<R>[];
  rowKey: (r: R, i: number) => string;
  rowClass?: (r: R) => string | undefined;
}) {
  const { t } = useI18n();
  return (
    <div className="emergency-table">
      <table>
        <caption className="visually-hidden">{t(caption)}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.title.en} scope="col">
                {t(c.title)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)} className={rowClass?.(r)}>
              {columns.map((c, n) =>
                n === 0 ? (
                  <th key={c.title.en} scope="row" data-label={t(c.title)}>
                    <div>{c.cell(r)}</div>
                  </th>
                ) : (
                  <td key={c.title.en} data-label={t(c.title)}>
                    <div>{c.cell(r)}</div>
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Alerts({ view }: { view: EssentialView }) {
  const { t } = useI18n();
  return (
    <section className="emergency-alerts" aria-labelledby="emergency-alerts-title">
      <h2 id="emergency-alerts-title">{t(T.alerts)}</h2>
      {view.alerts.length ? (
        <ul>
          {view.alerts.map((a) => (
            <li key={`${a.code}:${a.text}`} className={DANGER_ALERTS.has(a.code) ? 'emergency-alert-danger' : 'emergency-alert-warn'} data-code={a.code}>
              <span aria-hidden="true">⚠ </span>
              {a.text}
            </li>
          ))}
        </ul>
      ) : (
        <p className="emergency-empty">{t(T.noAlerts)}</p>
      )}
    </section>
  );
}

function DrugName({ d }: { d: DrugLine }) {
  const { t } = useI18n();
  return (
    <>
      <span className="emergency-drug-name">{d.name}</span>
      <span className="emergency-badges">
        {d.current && <span className="emergency-badge-current">{t(T.current)}</span>}
        {d.riskClass && (
          <span className={`emergency-badge-risk emergency-risk-${d.riskClass}`}>
            {t(RISK_CLASSES[d.riskClass])}
            {d.riskLabel ? `: ${d.riskLabel}` : ''}
          </span>
        )}
      </span>
    </>
  );
}

function Drugs({ drugs, names }: { drugs: DrugLine[]; names: Map<string, string> }) {
  const { t } = useI18n();
  return (
    <Section id="emergency-drugs" title={T.drugs} count={drugs.length}>
      {drugs.length ? (
        <Table
          caption={T.drugs}
          rows={drugs}
          rowKey={(d, i) => `${d.date}:${d.name}:${i}`}
          rowClass={(d) => [d.current ? 'emergency-row-current' : '', d.riskClass ? 'emergency-row-risk' : ''].filter(Boolean).join(' ') || undefined}
          columns={[
            { title: T.drug, cell: (d) => <DrugName d={d} /> },
            { title: T.date, cell: (d) => <span className="emergency-nowrap">{showDay(d.date)}</span> },
            { title: T.days, cell: (d) => (d.days ? `${d.days}${t(T.dayUnit)}` : '—') },
            { title: T.where, cell: (d) => (d.facility ? (names.get(d.facility) ?? d.facility) : '—') },
            { title: T.source, cell: (d) => t(DRUG_SOURCES[d.source] ?? { ja: d.source, en: d.source }) },
          ]}
        />
      ) : (
        <p className="emergency-empty">{t(T.noDrugs)}</p>
      )}
    </Section>
  );
}

function Details({ item }: { item: SharedItem }) {
  if (!item.details.length) return <>—</>;
  return (
    <ul className="emergency-details">
      {item.details.map((d) => (
        <li key={d}>{d}</li>
      ))}
    </ul>
  );
}

function ItemName({ item }: { item: SharedItem }) {
  const { t } = useI18n();
  return (
    <>
      {item.name}
      {item.uninformed && (
        <strong className="emergency-uninformed">
          <span aria-hidden="true">⚠ </span>
          {t(T.uninformed)}
        </strong>
      )}
    </>
  );
}

function Items({
  id,
  title,
  empty,
  items,
  first,
  extra,
  names,
}: {
  id: string;
  title: Text;
  empty: Text;
  items: SharedItem[];
  first: Text;
  extra: Column<SharedItem>[];
  names: Map<string, string>;
}) {
  const { t } = useI18n();
  return (
    <Section id={id} title={title} count={items.length}>
      {items.length ? (
        <Table
          caption={title}
          rows={items}
          rowKey={(i) => i.ref}
          rowClass={(i) => (i.uninformed ? 'emergency-row-uninformed' : undefined)}
          columns={[
            { title: first, cell: (i) => <ItemName item={i} /> },
            ...extra,
            { title: T.date, cell: (i) => <span className="emergency-nowrap">{showDay(i.date)}</span> },
            { title: T.facility, cell: (i) => (i.facilityCode ? (names.get(i.facilityCode) ?? i.facilityCode) : '—') },
          ]}
        />
      ) : (
        <p className="emergency-empty">{t(empty)}</p>
      )}
    </Section>
  );
}

function LabValue({ item }: { item: SharedItem }) {
  const { t } = useI18n();
  return (
    <>
      {item.value ?? '—'}
      {item.flag && <strong className="emergency-flag">（{t(item.flag === 'H' ? T.high : T.low)}）</strong>}
    </>
  );
}

function Procedures({ procedures }: { procedures: ProcedureLine[] }) {
  const { t } = useI18n();
  return (
    <Section id="emergency-procedures" title={T.procedures} count={procedures.length}>
      {procedures.length ? (
        <Table
          caption={T.procedures}
          rows={procedures}
          rowKey={(p, i) => `${p.tag}:${p.name}:${i}`}
          rowClass={(p) => (p.tag === 'dialysis' || p.tag === 'transplant' ? 'emergency-row-risk' : undefined)}
          columns={[
            { title: T.what, cell: (p) => p.name },
            { title: T.kind, cell: (p) => t(PROCEDURE_TAGS[p.tag] ?? { ja: p.tag, en: p.tag }) },
            { title: T.date, cell: (p) => <span className="emergency-nowrap">{showDay(p.date)}</span> },
          ]}
        />
      ) : (
        <p className="emergency-empty">{t(T.noProcedures)}</p>
      )}
    </Section>
  );
}

export function EssentialSections({ view }: { view: EssentialView }) {
  const codes = [
    ...[...view.allergies, ...view.infections, ...view.diagnoses, ...view.labs].flatMap((i) => (i.facilityCode ? [i.facilityCode] : [])),
    ...view.drugs.flatMap((d) => (d.facility && /^\d{10}$/.test(d.facility) ? [d.facility] : [])),
  ];
  const names = useFacilityNames(codes);
  const details: Column<SharedItem> = { title: T.details, cell: (i) => <Details item={i} /> };
  return (
    <>
      <Alerts view={view} />
      <Drugs drugs={view.drugs} names={names} />
      <div className="emergency-pair">
        <Items id="emergency-allergies" title={T.allergies} empty={T.noAllergies} items={view.allergies} first={T.allergen} extra={[details]} names={names} />
        <Items
          id="emergency-infections"
          title={T.infections}
          empty={T.noInfections}
          items={view.infections}
          first={T.test}
          extra={[{ title: T.result, cell: (i) => <LabValue item={i} /> }]}
          names={names}
        />
      </div>
      <Items id="emergency-diagnoses" title={T.diagnoses} empty={T.noDiagnoses} items={view.diagnoses} first={T.diagnosis} extra={[details]} names={names} />
      <Items
        id="emergency-labs"
        title={T.labs}
        empty={T.noLabs}
        items={view.labs}
        first={T.test}
        extra={[
          { title: T.result, cell: (i) => <LabValue item={i} /> },
          { title: T.range, cell: (i) => i.range ?? '—' },
        ]}
        names={names}
      />
      <Procedures procedures={view.procedures} />
    </>
  );
}
