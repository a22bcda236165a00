/** Candidates of an identification by name as output parameters: enough to tell them apart, nothing clinical. */
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import type { Candidate } from '../access/identify.ts';

export function candidateParameters(candidates: Candidate[]): OutParam[] {
  return candidates.map((c) => ({
    name: 'candidate',
    part: [
      { name: 'patient', valueReference: { reference: `Patient/${c.patientId}` } },
      { name: 'name', valueString: `${c.familyName} ${c.givenName}` },
      { name: 'kana', valueString: `${c.familyNameKana} ${c.givenNameKana}` },
      { name: 'birthDate', valueDate: c.birthDate },
      { name: 'sex', valueCode: c.sex },
      ...(c.postalMatch !== undefined ? [{ name: 'postalCodeMatches', valueBoolean: c.postalMatch }] : []),
    ],
  }));
}
