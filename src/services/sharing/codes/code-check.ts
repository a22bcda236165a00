/**
 * The code checks of one item of the 5 information, by kind (item-kind.ts decides it): the issues that refuse the
 * item — and with it the whole JP_Bundle_CLINS — or none. `at` is the day the codes must be valid on (Japan time).
 */
import type { ItemKind } from '../model/kinds.ts';
import type { CodeLists } from './code-lists.ts';
import type { CodeIssue } from './code-issue.ts';
import { checkDiagnosis } from './check-diagnosis.ts';
import { checkLab } from './check-lab.ts';
import { checkDrugAllergy, checkOtherAllergy } from './check-allergy.ts';
import { checkPrescription } from './check-prescription.ts';

export function checkItemCodes(kind: ItemKind, resource: Record<string, unknown>, lists: CodeLists, at: Date): CodeIssue[] {
  switch (kind) {
    case 'diagnosis':
      return checkDiagnosis(resource, lists, at);
    case 'lab':
    case 'infection':
      return checkLab(kind, resource, lists, at);
    case 'drug-allergy':
      return checkDrugAllergy(resource, lists, at);
    case 'other-allergy':
      return checkOtherAllergy(resource, lists, at);
    case 'prescription':
      return checkPrescription(resource, lists, at);
  }
}
