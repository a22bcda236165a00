/** The documents the platform benchmarks write: a JP-CLINS-style lab result Observation for a patient. */

export function labObservation(patientId: string, i: number): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    meta: { profile: ['http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS'] },
    identifier: [{ system: 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier', value: `lab-${i}` }],
    status: 'final',
    category: [{ coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS', code: 'laboratory' }] }],
    code: {
      coding: [
        { system: 'urn:oid:1.2.392.200119.4.504', code: '3C015000002327201', display: 'クレアチニン' },
        { system: 'http://jpfhir.jp/fhir/eCS/CodeSystem/JP_ObservationLabResult_CoreLabo_CS', code: '3C015000002327201' },
      ],
      text: 'クレアチニン',
    },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: `2024-0${1 + (i % 9)}-1${i % 10}T09:30:00+09:00`,
    issued: '2024-05-01T12:00:00+09:00',
    performer: [{ display: 'つなぐ検査センター' }],
    valueQuantity: { value: 0.7 + (i % 50) / 100, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }] }],
    referenceRange: [{ low: { value: 0.65, unit: 'mg/dL' }, high: { value: 1.07, unit: 'mg/dL' } }],
  };
}

export function benchPatient(i: number): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.51.11312345679', value: `B${String(i).padStart(7, '0')}` }],
    name: [
      { use: 'official', text: '山田 太郎', family: '山田', given: ['太郎'] },
      {
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' }],
        use: 'official',
        family: 'ヤマダ',
        given: ['タロウ'],
      },
    ],
    gender: i % 2 ? 'male' : 'female',
    birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    address: [{ text: '東京都千代田区霞が関1-2-2', postalCode: '100-8916' }],
  };
}
