/** Small FHIR resources for platform tests (JP Core flavoured). */

export function patient(
  opts: { family?: string; given?: string; kanaFamily?: string; birthDate?: string; gender?: string; id?: string; identifier?: string } = {},
) {
  return {
    resourceType: 'Patient',
    ...(opts.id ? { id: opts.id } : {}),
    identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.51.11312345679', value: opts.identifier ?? '00012345' }],
    name: [
      { use: 'official', text: `${opts.family ?? '山田'} ${opts.given ?? '太郎'}`, family: opts.family ?? '山田', given: [opts.given ?? '太郎'] },
      {
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' }],
        use: 'official',
        family: opts.kanaFamily ?? 'ヤマダ',
        given: ['タロウ'],
      },
    ],
    gender: opts.gender ?? 'male',
    birthDate: opts.birthDate ?? '1970-01-01',
  };
}

export function observation(patientRef: string, opts: { code?: string; value?: number; date?: string; status?: string } = {}) {
  return {
    resourceType: 'Observation',
    status: opts.status ?? 'final',
    code: { coding: [{ system: 'http://loinc.org', code: opts.code ?? '2823-3', display: 'Potassium' }] },
    subject: { reference: patientRef },
    effectiveDateTime: opts.date ?? '2024-05-01T10:00:00+09:00',
    valueQuantity: { value: opts.value ?? 4.2, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  };
}

export function organization(name: string, code = '1312345679') {
  return {
    resourceType: 'Organization',
    identifier: [{ system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: code }],
    name,
  };
}
