/**
 * お薬: the person's e-prescriptions — what was prescribed where, and what the pharmacy handed over (substitutions
 * marked) — and the medicines and treatments the facilities claimed (レセプト: `$medication-history`, `$surgery-history`).
 */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import { receiptRows } from '../../clinic/patient/medication.ts';
import { useFacilityNames } from '../facility-names.ts';
import { patientOf } from '../session.ts';
import { FacilityLabel, ReadView, Section, useDates, useRead } from '../ui.tsx';
import { codesOf, type MedicineLine, type PrescriptionView, prescriptionsOf } from './model.ts';
import { procedureRows } from './receipts.ts';

const T = {
  eprescriptions: { ja: '電子処方箋のお薬', en: 'Your e-prescriptions' },
  eprescriptionsLead: {
    ja: '医療機関で出された処方と、薬局で受け取ったお薬です（新しい順）。',
    en: 'What your doctors prescribed and what you received at the pharmacy (newest first).',
  },
  none: { ja: '電子処方箋の記録はありません。', en: 'There are no e-prescriptions.' },
  prescribed: { ja: '処方', en: 'Prescribed' },
  prescribedAt: { ja: '処方した医療機関', en: 'Prescribed by' },
  dispensed: { ja: '調剤（お薬の受け取り）', en: 'Dispensed' },
  dispensedAt: { ja: '薬局', en: 'Pharmacy' },
  notYet: { ja: 'まだ薬局で調剤されていません。', en: 'Not yet dispensed at a pharmacy.' },
  substituted: { ja: '別の銘柄（ジェネリックなど）に変更', en: 'Another brand (e.g. a generic) was given' },
  receipts: { ja: '医療機関・薬局が請求したお薬（レセプト）', en: 'Medicines claimed by facilities and pharmacies' },
  receiptsLead: {
    ja: '診療報酬の請求（レセプト）から分かるお薬です。反映まで1〜2か月かかります。',
    en: 'Medicines known from the facilities’ claims; they appear one or two months later.',
  },
  noReceipts: { ja: 'レセプトによるお薬の記録はありません。', en: 'There are no claimed medicines.' },
  surgery: { ja: '手術などの記録（レセプト）', en: 'Operations and treatments (claims)' },
  noSurgery: { ja: '手術などの記録はありません。', en: 'There are no operations or treatments on record.' },
  medicine: { ja: 'お薬', en: 'Medicine' },
  amount: { ja: '量', en: 'Amount' },
  date: { ja: '日付', en: 'Date' },
  facility: { ja: '医療機関・薬局', en: 'Facility or pharmacy' },
  treatment: { ja: '手術・処置', en: 'Operation or treatment' },
};

function Lines({ lines }: { lines: MedicineLine[] }) {
  const { t } = useI18n();
  return (
    <ul className="portal-lines">
      {lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a prescription may list the same drug twice; the list never reorders
        <li key={`${l.name}-${i}`}>
          <strong>{l.name}</strong>
          {l.amount && <span className="portal-sub">{l.amount}</span>}
          {l.substituted && <span className="portal-flag">{t(T.substituted)}</span>}
        </li>
      ))}
    </ul>
  );
}

function PrescriptionCard({ p, names }: { p: PrescriptionView; names: Map<string, string> }) {
  const { t } = useI18n();
  const { day } = useDates();
  return (
    <article className="portal-item" aria-label={`${t(T.prescribed)} ${day(p.date)}`}>
      {p.lines.length > 0 && (
        <div>
          <h3>
            {t(T.prescribed)} <span className="portal-date">{day(p.date)}</span>
          </h3>
          <p className="portal-sub">
            {t(T.prescribedAt)}: <FacilityLabel code={p.facility} names={names} />
          </p>
          <Lines lines={p.lines} />
        </div>
      )}
      {p.dispensings.length === 0 ? (
        <p className="portal-pending">{t(T.notYet)}</p>
      ) : (
        p.dispensings.map((d) => (
          <div key={d.id} className="portal-dispensed">
            <h3>
              {t(T.dispensed)} <span className="portal-date">{day(d.date)}</span>
            </h3>
            <p className="portal-sub">
              {t(T.dispensedAt)}: <FacilityLabel code={d.pharmacy} names={names} />
            </p>
            <Lines lines={d.lines} />
          </div>
        ))
      )}
    </article>
  );
}

function EPrescriptions({ data }: { data: unknown }) {
  const { t } = useI18n();
  const list = prescriptionsOf(data);
  const names = useFacilityNames(codesOf(list));
  if (!list.length) return <p>{t(T.none)}</p>;
  return (
    <div className="portal-items">
      {list.map((p) => (
        <PrescriptionCard key={p.id} p={p} names={names} />
      ))}
    </div>
  );
}

function Receipts({ data }: { data: unknown }) {
  const { t } = useI18n();
  const { day } = useDates();
  const rows = receiptRows(data);
  const names = useFacilityNames(rows.map((r) => r.facilityCode).filter((c): c is string => !!c));
  if (!rows.length) return <p>{t(T.noReceipts)}</p>;
  return (
    <ul className="portal-list">
      {rows.map((r) => (
        <li key={r.ref}>
          <strong>{r.drugs.map((d) => d.name).join('、')}</strong>
          <span className="portal-sub">
            {day(r.date)} · <FacilityLabel code={r.facilityCode} name={r.facilityName} names={names} />
            {r.drugs[0]?.amount && ` · ${r.drugs[0].amount}`}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Procedures({ data }: { data: unknown }) {
  const { t } = useI18n();
  const { day } = useDates();
  const rows = procedureRows(data);
  const names = useFacilityNames(rows.map((r) => r.facilityCode).filter((c): c is string => !!c));
  if (!rows.length) return <p>{t(T.noSurgery)}</p>;
  return (
    <ul className="portal-list">
      {rows.map((r) => (
        <li key={r.ref}>
          <strong>{r.name}</strong>
          <span className="portal-sub">
            {day(r.date)} · <FacilityLabel code={r.facilityCode} name={r.facilityName} names={names} />
          </span>
        </li>
      ))}
    </ul>
  );
}

export default function MedicinesScreen({ session }: ScreenProps) {
  const id = patientOf(session);
  const [mine, reloadMine] = useRead(id, () => fhir('$my-prescriptions'));
  const [meds, reloadMeds] = useRead(id, () => fhir(`Patient/${id}/$medication-history`));
  const [surgery, reloadSurgery] = useRead(id, () => fhir(`Patient/${id}/$surgery-history`));
  return (
    <>
      <Section id="medicines-eprescriptions" title={T.eprescriptions} lead={T.eprescriptionsLead}>
        <ReadView read={mine} onRetry={reloadMine}>
          {(data) => <EPrescriptions data={data} />}
        </ReadView>
      </Section>
      <Section id="medicines-receipts" title={T.receipts} lead={T.receiptsLead}>
        <ReadView read={meds} onRetry={reloadMeds}>
          {(data) => <Receipts data={data} />}
        </ReadView>
      </Section>
      <Section id="medicines-surgery" title={T.surgery}>
        <ReadView read={surgery} onRetry={reloadSurgery}>
          {(data) => <Procedures data={data} />}
        </ReadView>
      </Section>
    </>
  );
}
