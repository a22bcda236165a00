/**
 * 重複投薬・併用禁忌: each alert of the service's check for this pharmacy — kind and severity, which line of ours, the
 * other drug, where (the facility's name from the directory, its kind) and when, whether it was a prescription or a
 * dispensing, and the package-insert statement. Without the patient's consent only the kind (the service withholds
 * the rest), said plainly.
 */
import { useFacilityNames } from '../../clinic/facility-names.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { japanToday } from '../../shared/japan-time.ts';
import { ALERT_KIND, dayText, daysBefore, FACILITY_KIND, SOURCE } from './labels.ts';
import type { Alert, Line } from './model.ts';

const T = {
  title: { ja: '重複投薬・併用禁忌のチェック', en: 'Duplicate and contraindication check' },
  none: { ja: '重複投薬・併用禁忌はありません。', en: 'No duplicates or contraindications.' },
  ours: { ja: 'この処方箋の薬', en: 'Our drug' },
  other: { ja: '相手の薬', en: 'The other drug' },
  where: { ja: 'どこで', en: 'Where' },
  when: { ja: 'いつ', en: 'When' },
  statement: { ja: '根拠', en: 'Basis' },
  redacted: {
    ja: '相手の薬・医療機関・日付は、患者さんがこの薬局で同意（診療・お薬の情報）していないため表示されません。マイナンバーカードで同意を得るか、患者さんに服用中の薬をお尋ねください。',
    en: 'The other drug, facility and date are withheld: the patient has not consented at this pharmacy (medication). Ask for consent at the card reader, or ask the patient what they take.',
  },
};

export function AlertList({ alerts, lines }: { alerts: Alert[]; lines: Line[] }) {
  const { t } = useI18n();
  const names = useFacilityNames(alerts.flatMap((a) => (a.facility ? [a.facility] : [])));
  const today = japanToday();
  return (
    <section className="pharmacy-alerts" aria-label={t(T.title)}>
      <h3>{t(T.title)}</h3>
      {alerts.length === 0 ? (
        <p className="pharmacy-no-alert">{t(T.none)}</p>
      ) : (
        <ul>
          {alerts.map((a) => {
            const k = ALERT_KIND[a.kind] ?? { label: { ja: a.kind, en: a.kind }, severity: { ja: '注意', en: 'Caution' }, level: 'mid' as const };
            const ours = lines.find((l) => l.line === a.line)?.name ?? '';
            const kind = a.facilityKind ? t(FACILITY_KIND[a.facilityKind] ?? { ja: a.facilityKind, en: a.facilityKind }) : '';
            const facility = a.facility ? (names.get(a.facility) ?? t({ ja: `医療機関コード ${a.facility}`, en: `facility code ${a.facility}` })) : '';
            const source = a.source ? t(SOURCE[a.source] ?? { ja: a.source, en: a.source }) : '';
            const ago = a.conflictingDate ? daysBefore(a.conflictingDate, today) : undefined;
            return (
              <li
                key={`${a.kind}-${a.line}-${a.conflictingCode ?? ''}-${a.conflictingDate ?? ''}-${a.source ?? ''}`}
                className={`pharmacy-alert pharmacy-alert-${k.level}`}
              >
                <p className="pharmacy-alert-kind">
                  <strong>{t(k.label)}</strong> <span>{t(k.severity)}</span>
                </p>
                <dl className="pharmacy-facts">
                  <div>
                    <dt>{t(T.ours)}</dt>
                    <dd>{ours}</dd>
                  </div>
                  {!a.redacted && a.source !== 'same-prescription' && (
                    <>
                      <div>
                        <dt>{t(T.other)}</dt>
                        <dd>{a.conflictingName ?? a.conflictingCode}</dd>
                      </div>
                      <div>
                        <dt>{t(T.where)}</dt>
                        <dd>
                          {facility}
                          {kind && t({ ja: `（${kind}）`, en: ` (${kind})` })}
                          {source && t({ ja: `・${source}`, en: `, ${source}` })}
                        </dd>
                      </div>
                      {a.conflictingDate && (
                        <div>
                          <dt>{t(T.when)}</dt>
                          <dd>
                            {t(dayText(a.conflictingDate))}
                            {ago !== undefined && ago >= 0 && t({ ja: `（${ago}日前）`, en: ` (${ago} days ago)` })}
                          </dd>
                        </div>
                      )}
                    </>
                  )}
                  {a.source === 'same-prescription' && (
                    <div>
                      <dt>{t(T.where)}</dt>
                      <dd>
                        {t(SOURCE['same-prescription'])}: {a.conflictingName}
                      </dd>
                    </div>
                  )}
                  {a.statement && (
                    <div>
                      <dt>{t(T.statement)}</dt>
                      <dd className="pharmacy-statement">
                        {a.statement}
                        {a.reference && <span className="note"> （{a.reference}）</span>}
                      </dd>
                    </div>
                  )}
                </dl>
                {a.redacted && <p className="note">{t(T.redacted)}</p>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
