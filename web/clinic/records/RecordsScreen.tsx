/**
 * 検査・病名登録: for clinics without an EHR — the current patient's diagnoses and lab results by hand, or an outsourced
 * lab's result file (CSV) for any patients — registered to the EHR sharing service like an EHR's
 * ($register-simple-entry). The result names what was registered.
 */
import { PatientLine } from '../PatientLine.tsx';
import { useId, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import { useCurrentPatient } from '../current-patient.ts';
import { DEPARTMENTS, type EntryResult } from './api.ts';
import { CsvImport } from './CsvImport.tsx';
import { HandEntry, type Pending } from './HandEntry.tsx';
import './records.css';

const T = {
  intro: {
    ja: '電子カルテがなくても、病名と検査結果を電子カルテ情報共有サービスに登録できます。登録した情報は、患者さんが同意した医療機関と患者さん本人が見られます。',
    en: 'Without an EHR, register diagnoses and lab results to the EHR sharing service; facilities the patient consents to, and the patient, see them.',
  },
  department: { ja: '診療科', en: 'Department' },
  handTitle: { ja: '手で入力する', en: 'Enter by hand' },
  patient: { ja: '診察中の患者', en: 'Current patient' },
  noPatient: { ja: '診察中の患者が選ばれていません。受付で患者を選んでから入力してください。', en: 'No current patient: choose one at reception first.' },
  toReception: { ja: '受付へ', en: 'Go to reception' },
  csvTitle: { ja: '外注検査の結果ファイルを取り込む', en: 'Import an outsourced lab’s result file' },
  created: { ja: '新規', en: 'new' },
  updated: { ja: '更新（同じ項目の新しい版）', en: 'updated (a new version)' },
  kind: { ja: '種類', en: 'Kind' },
  what: { ja: '内容', en: 'Item' },
  status: { ja: '登録', en: 'Status' },
  dx: { ja: '病名', en: 'Diagnosis' },
  lab: { ja: '検査', en: 'Lab' },
};

interface Done {
  result: EntryResult;
  items: Pending[];
  patient: string;
}

export function RecordsScreen(_props: ScreenProps) {
  const { t, lang } = useI18n();
  const id = useId();
  const patient = useCurrentPatient();
  const [department, setDepartment] = useState('01');
  const [done, setDone] = useState<Done>();

  const labelOf = (input: string, items: Pending[]) => {
    const m = /^(diagnosis|lab)\[(\d+)\]$/.exec(input);
    if (!m) return input;
    return items.filter((p) => p.kind === (m[1] === 'lab' ? 'lab' : 'dx'))[Number(m[2])]?.label ?? input;
  };

  return (
    <div className="records">
      <p>{t(T.intro)}</p>
      <div className="records-field records-department">
        <label htmlFor={`${id}-dep`}>{t(T.department)}</label>
        <select id={`${id}-dep`} value={department} onChange={(e) => setDepartment(e.target.value)}>
          {DEPARTMENTS.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </select>
      </div>

      <section aria-labelledby={`${id}-hand`}>
        <h2 id={`${id}-hand`}>{t(T.handTitle)}</h2>
        {patient ? (
          <>
            <p className="records-patient">
              {t(T.patient)}
              {lang === 'ja' ? '：' : ': '}
              <PatientLine patient={patient} />
            </p>
            <StatusMessage>
              {done && (
                <div className="success records-done">
                  <p>
                    {t({
                      ja: `登録しました: ${done.result.registered} 件を登録しました（患者: ${done.patient}）`,
                      en: `Registered: ${done.result.registered} items (patient: ${done.patient})`,
                    })}
                  </p>
                  <div className="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t(T.kind)}</th>
                          <th scope="col">{t(T.what)}</th>
                          <th scope="col">{t(T.status)}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {done.result.items.map((x) => (
                          <tr key={x.reference}>
                            <td>{t(x.input.startsWith('lab') ? T.lab : T.dx)}</td>
                            <td>{labelOf(x.input, done.items)}</td>
                            <td>{t(x.status === 'updated' ? T.updated : T.created)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              )}
            </StatusMessage>
            <HandEntry
              key={patient.id}
              patient={patient}
              department={department}
              onDone={(result, items) => setDone({ result, items, patient: patient.name })}
            />
          </>
        ) : (
          <div className="notice">
            <p>{t(T.noPatient)}</p>
            <a className="button" href="#reception">
              {t(T.toReception)}
            </a>
          </div>
        )}
      </section>

      <section aria-labelledby={`${id}-csv`}>
        <h2 id={`${id}-csv`}>{t(T.csvTitle)}</h2>
        <CsvImport department={department} />
      </section>
    </div>
  );
}
