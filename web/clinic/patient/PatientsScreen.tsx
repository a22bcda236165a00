/**
 * 患者: the current patient's page, or — with none yet, or when asked — today's receptions and the search. Loaded
 * when the tab is first opened (screens/patients.tsx), so the app's first load stays small.
 */
import { useState } from 'react';
import type { ScreenProps } from '../../shared/screens.ts';
import { setCurrentPatient, useCurrentPatient } from '../current-patient.ts';
import { PatientPage } from './PatientPage.tsx';
import { PatientSearch } from './PatientSearch.tsx';
import './patient.css';

export default function PatientsScreen({ session }: ScreenProps) {
  const current = useCurrentPatient();
  const [choosing, setChoosing] = useState(false);
  if (!current || choosing)
    return (
      <PatientSearch
        facilityCode={session.user.facilityCode}
        onChoose={(p) => {
          setCurrentPatient(p);
          setChoosing(false);
        }}
        onCancel={current ? () => setChoosing(false) : undefined}
      />
    );
  return <PatientPage key={current.id} patient={current} session={session} onOther={() => setChoosing(true)} />;
}
