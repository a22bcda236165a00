/**
 * 処方・お薬: this clinic's e-prescriptions of the patient and whether they were dispensed (`$prescription-status`),
 * the prescriptions shared as 6 information by other facilities, and the receipt-based medication information
 * (`$medication-history`, with the patient's consent). Drug names are the drug master's as the service answers them.
 */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { type ClinicalView, facilityCodes, ofKind } from './clinical.ts';
import { useFacilityNames } from '../facility-names.ts';
import { showDay } from './format.ts';
import { type Read, useRead } from './load.ts';
import { ePrescriptionRows, type MedicationRow, receiptRows, STATE_NAMES } from './medication.ts';
import { Details, FacilityName, ItemTable, ReadView } from './sections.tsx';

const T = {
  own: { ja: '当院の電子処方箋', en: 'E-prescriptions of this clinic' },
  shared: { ja: '他の医療機関の処方（共有された情報）', en: 'Prescriptions of other facilities (shared)' },
  receipt: { ja: '薬剤情報（レセプト由来・同意に基づく）', en: 'Medication information (from claims, with consent)' },
  date: { ja: '交付日', en: 'Issued' },
  dispensedOn: { ja: '調剤日', en: 'Dispensed' },
  state: { ja: '状態', en: 'State' },
  drugs: { ja: '薬剤', en: 'Drugs' },
  facility: { ja: '医療機関・薬局', en: 'Facility or pharmacy' },
  prescriber: { ja: '処方医', en: 'Prescriber' },
  drug: { ja: '薬剤', en: 'Drug' },
  details: { ja: '用法・日数', en: 'Dosage' },
  noOwn: { ja: '当院で発行した電子処方箋はありません。', en: 'This clinic has issued no e-prescription for the patient.' },
  noShared: { ja: '共有された処方はありません。', en: 'No shared prescriptions.' },
  notShown: {
    ja: '他の医療機関の処方は、同意がないなどの理由で表示していません（上の説明をご覧ください）。',
    en: 'Other facilities’ prescriptions are not shown (see the note above).',
  },
  noReceipt: { ja: '薬剤情報はありません。', en: 'No medication information.' },
} satisfies Record<string, Text>;

function RowsTable({
  rows,
  names,
  own,
  dateTitle,
  showState,
}: {
  rows: MedicationRow[];
  names: Map<string, string>;
  own?: string;
  dateTitle: Text;
  showState: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="patients-table">
      <table>
        <thead>
          <tr>
            <th scope="col">{t(dateTitle)}</th>
            <th scope="col">{t(T.drugs)}</th>
            {showState && <th scope="col">{t(T.state)}</th>}
            <th scope="col">{t(T.facility)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.ref}>
              <th scope="row" className="patients-nowrap" data-label={t(dateTitle)}>
                <div>{showDay(r.date)}</div>
              </th>
              <td data-label={t(T.drugs)}>
                <ul className="patients-drugs">
                  {r.drugs.map((d, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines of one prescription, in order
                    <li key={i}>
                      <span className="patients-item-name">{d.name}</span>
                      {d.amount && <span className="patients-sub">{d.amount}</span>}
                    </li>
                  ))}
                </ul>
              </td>
              {showState && (
                <td data-label={t(T.state)}>
                  {r.state && STATE_NAMES[r.state] ? <span className={`patients-state patients-state-${r.state}`}>{t(STATE_NAMES[r.state])}</span> : '—'}
                </td>
              )}
              <td data-label={t(T.facility)}>
                <div>
                  <FacilityName code={r.facilityCode} names={names} own={own} fallback={r.facilityName} />
                  {r.prescriber && (
                    <span className="patients-sub">
                      {t(T.prescriber)} {r.prescriber}
                    </span>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MedicationSection({
  patientId,
  own,
  round,
  shared,
  onRetryShared,
  withheld,
}: {
  patientId: string;
  own?: string;
  round: number;
  shared: Read<ClinicalView>;
  onRetryShared: () => void;
  /** The server withheld the medication group (no consent here …). */
  withheld?: boolean;
}) {
  const { t } = useI18n();
  const id = encodeURIComponent(patientId);
  const [mine, reloadMine] = useRead(`erx|${patientId}|${round}`, async () => ePrescriptionRows(await fhir(`$prescription-status?patient=${id}`)));
  const [receipts, reloadReceipts] = useRead(`receipt|${patientId}|${round}`, async () => receiptRows(await fhir(`Patient/${id}/$medication-history`)));
  const sharedItems = shared.status === 'ok' ? ofKind(shared.data, 'prescription') : [];
  const codes = [
    ...facilityCodes(sharedItems),
    ...facilityCodes(mine.status === 'ok' ? mine.data : []),
    ...facilityCodes(receipts.status === 'ok' ? receipts.data : []),
  ];
  const names = useFacilityNames(codes);
  return (
    <>
      <h3>{t(T.own)}</h3>
      <ReadView read={mine} onRetry={reloadMine}>
        {(rows) =>
          rows.length ? <RowsTable rows={rows} names={names} own={own} dateTitle={T.date} showState /> : <p className="patients-empty">{t(T.noOwn)}</p>
        }
      </ReadView>
      <h3>{t(T.shared)}</h3>
      <ReadView read={shared} onRetry={onRetryShared}>
        {() => (
          <ItemTable
            caption={T.shared}
            items={sharedItems}
            names={names}
            own={own}
            empty={withheld ? T.notShown : T.noShared}
            columns={[
              { title: T.drug, header: true, cell: (i) => <span className="patients-item-name">{i.name}</span> },
              { title: T.details, cell: (i) => <Details item={i} /> },
            ]}
          />
        )}
      </ReadView>
      <h3>{t(T.receipt)}</h3>
      <ReadView read={receipts} onRetry={reloadReceipts}>
        {(rows) =>
          rows.length ? (
            <RowsTable rows={rows} names={names} own={own} dateTitle={T.dispensedOn} showState={false} />
          ) : (
            <p className="patients-empty">{t(T.noReceipt)}</p>
          )
        }
      </ReadView>
    </>
  );
}
