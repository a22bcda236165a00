/**
 * The last cell of a patient list (受付の一覧, 会計の本日受付): 「選択中」 for the app's current patient, otherwise a
 * button that makes the row's patient current — its visible label and its aria-label (naming the patient) given.
 */
import { useI18n } from '../shared/i18n.tsx';
import type { Text } from '../shared/text.ts';
import { type CurrentPatient, setCurrentPatient } from './current-patient.ts';

export function ChoosePatientCell(props: { patient: CurrentPatient & { name: string }; current: boolean; label: Text; ariaLabel: Text; currentLabel: Text }) {
  const { t } = useI18n();
  if (props.current) return <span className="badge">{t(props.currentLabel)}</span>;
  return (
    <button
      type="button"
      className="secondary"
      aria-label={t(props.ariaLabel).replace('{name}', props.patient.name)}
      onClick={() => setCurrentPatient(props.patient)}
    >
      {t(props.label)}
    </button>
  );
}
