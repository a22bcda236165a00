/** 診察中の患者の表示: 髙橋 一郎（タカハシ イチロウ） 1958年10月22日（昭和33年10月22日）・68歳 男性 — the same line on every screen. */
import { useI18n } from '../shared/i18n.tsx';
import type { CurrentPatient } from './current-patient.ts';
import { birthLine, GENDER } from './reception/labels.ts';
import { japanToday } from './reception/validate.ts';

export function PatientLine({ patient, nameClass }: { patient: CurrentPatient; nameClass?: string }) {
  const { t } = useI18n();
  const gender = patient.gender ? GENDER[patient.gender] : undefined;
  return (
    <>
      <strong className={nameClass}>{patient.name}</strong>
      {patient.kana && <span className="note">（{patient.kana}）</span>}
      {patient.birthDate && <span className="note"> {t(birthLine(patient.birthDate, japanToday()))}</span>}
      {gender && <span className="note"> {t(gender)}</span>}
    </>
  );
}
