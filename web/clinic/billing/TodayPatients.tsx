/**
 * 本日受付した患者: this clinic's receptions of today (`$reception-history?date=<today>`, one per patient, newest
 * first) to choose whom to charge; choosing makes them the app's current patient. The same read gives the chosen
 * patient's 公費 as the reception answered them (the cap fields of the entry need them).
 */
import { useId } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { ChoosePatientCell } from '../ChoosePatientCell.tsx';
import { historyPath, japanTime, japanToday, latestPerPatient, type ReceptionRecord, readHistory } from '../patient/eligibility.ts';
import { type Read, useRead } from '../patient/load.ts';

const T = {
  title: { ja: '本日受付した患者さん', en: 'Patients received today' },
  loading: { ja: '本日の受付を読み込んでいます…', en: 'Loading today’s receptions…' },
  empty: {
    ja: '本日受付した患者さんはいません。先に受付で資格確認をしてください。',
    en: 'No patient was received today. Verify eligibility at reception first.',
  },
  time: { ja: '受付時刻', en: 'Received' },
  name: { ja: '氏名', en: 'Name' },
  choose: { ja: '会計する', en: 'Charge' },
  chooseLabel: { ja: '会計する：{name} さん', en: 'Charge: {name}' },
  chosen: { ja: '選択中', en: 'Selected' },
} satisfies Record<string, Text>;

/** Today's receptions at this clinic, one per patient (re-read on `reload`). */
export function useTodayReceptions(): [Read<ReceptionRecord[]>, () => void] {
  const today = japanToday();
  return useRead(today, async () => latestPerPatient(readHistory(await fhir(historyPath({ date: today, count: 100 }))).receptions));
}

export function TodayPatients({ read, onRetry, currentId }: { read: Read<ReceptionRecord[]>; onRetry: () => void; currentId?: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      {read.status === 'loading' && <StatusMessage>{t(T.loading)}</StatusMessage>}
      {read.status === 'error' && <ErrorMessage error={read.error} onRetry={onRetry} />}
      {read.status === 'ok' &&
        (read.data.length === 0 ? (
          <p className="note">{t(T.empty)}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t(T.time)}</th>
                  <th scope="col">{t(T.name)}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t(T.choose)}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {read.data.map((r) => (
                  <tr key={r.patient.id}>
                    <td>{japanTime(r.at)}</td>
                    <td>
                      {r.patient.name}
                      {r.patient.kana && <span className="note">（{r.patient.kana}）</span>}
                    </td>
                    <td>
                      <ChoosePatientCell
                        patient={r.patient}
                        current={currentId === r.patient.id}
                        label={T.choose}
                        ariaLabel={T.chooseLabel}
                        currentLabel={T.chosen}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
