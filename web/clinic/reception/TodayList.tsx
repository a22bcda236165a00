/** 本日の受付: the receptions of this browser tab today, newest first; choosing one makes them the current patient. */
import { useId } from 'react';
import { ChoosePatientCell } from '../ChoosePatientCell.tsx';
import { useCurrentPatient } from '../current-patient.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { copayText, METHODS } from './labels.ts';
import { CONSENT_CATEGORIES } from './parameters.ts';
import type { ReceptionEntry } from './reception-log.ts';

const T = {
  title: { ja: '本日の受付（この画面で受け付けた患者さん）', en: 'Today’s receptions (on this screen)' },
  empty: { ja: 'まだ受付した患者さんはいません。', en: 'No patient has been received yet.' },
  time: { ja: '時刻', en: 'Time' },
  name: { ja: '氏名', en: 'Name' },
  method: { ja: '確認方法', en: 'Identified by' },
  copay: { ja: '負担割合', en: 'Copay' },
  consent: { ja: '同意', en: 'Consent' },
  all: { ja: 'すべて同意', en: 'all' },
  none: { ja: '同意なし', en: 'none' },
  some: { ja: '一部同意', en: 'some' },
  noRecord: { ja: '記録なし', en: 'not recorded' },
  select: { ja: '選ぶ', en: 'Select' },
  selected: { ja: '選択中', en: 'Selected' },
  selectLabel: { ja: '選ぶ：{name} さんを診察中の患者にする', en: 'Select: make {name} the current patient' },
} satisfies Record<string, Text>;

export function TodayList({ entries }: { entries: ReceptionEntry[] }) {
  const { t, lang } = useI18n();
  const id = useId();
  const current = useCurrentPatient();
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' });
  const consentText = (e: ReceptionEntry) => {
    if (!e.consent) return t(T.noRecord);
    const n = CONSENT_CATEGORIES.filter((c) => e.consent?.[c]).length;
    return t(n === CONSENT_CATEGORIES.length ? T.all : n === 0 ? T.none : T.some);
  };
  return (
    <section className="card reception-today" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      {entries.length === 0 ? (
        <p className="note">{t(T.empty)}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t(T.time)}</th>
                <th scope="col">{t(T.name)}</th>
                <th scope="col">{t(T.method)}</th>
                <th scope="col">{t(T.copay)}</th>
                <th scope="col">{t(T.consent)}</th>
                <th scope="col">
                  <span className="visually-hidden">{t(T.select)}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={`${e.patient.id}-${e.at}`}>
                  <td className="reception-nowrap">{time(e.at)}</td>
                  <td>{e.patient.name}</td>
                  <td>{e.method ? t(METHODS[e.method] ?? { ja: e.method, en: e.method }) : '—'}</td>
                  <td>{t(copayText(e.copayRatio))}</td>
                  <td>{consentText(e)}</td>
                  <td className="reception-nowrap">
                    <ChoosePatientCell
                      patient={e.patient}
                      current={current?.id === e.patient.id}
                      label={T.select}
                      ariaLabel={T.selectLabel}
                      currentLabel={T.selected}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
