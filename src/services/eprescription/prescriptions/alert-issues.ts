/**
 * Alerts of the duplicate and contraindication check as a facility is shown them: in an OperationOutcome (the refusal
 * of a registration without a reason) and as output parameters. A redacted alert (no consent) names its kind and the
 * caller's own line only.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { type AlertKind, type CheckAlert, type RedactedAlert, isRedacted } from '../checks/index.ts';

export const ALERT_KIND_LABELS: Record<AlertKind, { ja: string; en: string }> = {
  'duplicate-ingredient': { ja: '重複投薬（同一成分）', en: 'duplicate (same ingredient)' },
  'duplicate-class': { ja: '重複投薬（同効薬）', en: 'duplicate (same therapeutic class)' },
  contraindicated: { ja: '併用禁忌', en: 'contraindicated combination' },
};
const FACILITY_KIND = { medical: '医科', dental: '歯科', pharmacy: '薬局' } as const;
const SOURCE = { prescription: '処方', dispensing: '調剤', receipt: 'レセプト' } as const;
export const ALERT_SYSTEM = 'urn:tsunagu:eprescription:alert-kind';

type Shown = CheckAlert | RedactedAlert;

export function alertText(a: Shown, candidateName: string): { ja: string; en: string } {
  const k = ALERT_KIND_LABELS[a.kind];
  if (isRedacted(a))
    return {
      ja: `${k.ja}: ${candidateName}（相手の薬剤の詳細は、患者の同意（診療・お薬の情報）がある場合にのみ表示されます）`,
      en: `${k.en}: ${candidateName} (the other drug is shown only with the patient's consent to the medication group)`,
    };
  const c = a.conflicting;
  const where = c.origin === 'candidates' ? '同じ処方内' : `${c.date} ${FACILITY_KIND[c.facilityKind]}の${SOURCE[c.source]}`;
  const statement = a.rule?.statement ? `。${a.rule.statement}` : '';
  return {
    ja: `${k.ja}: ${candidateName} と ${c.drug.name}（${where}）${statement}`,
    en: `${k.en}: ${candidateName} and ${c.drug.name} (${c.origin === 'candidates' ? 'same prescription' : `${c.date}, ${c.facilityKind} ${c.source}`})`,
  };
}

const candidateNameOf = (a: Shown, names: string[]) => (isRedacted(a) ? names[a.candidateIndex] : a.candidate.name) ?? '';

export function alertIssues(shown: Shown[], names: string[] = []): OperationOutcomeIssue[] {
  return shown.map((a) => {
    const t = alertText(a, candidateNameOf(a, names));
    return {
      severity: 'warning',
      code: 'business-rule',
      details: { coding: [{ system: ALERT_SYSTEM, code: a.kind }], text: t.ja },
      diagnostics: t.en,
      expression: [`line[${a.candidateIndex}]`],
    };
  });
}

/** The alerts' `facilityName` parts (the directory's names of their facilities), for a caller that shows them to people. */
export async function withFacilityNames(params: OutParam[], nameOf: (code: string) => Promise<string | undefined>): Promise<OutParam[]> {
  const names = new Map<string, string | undefined>();
  for (const p of params) {
    const parts = p.part as OutParam[] | undefined;
    const code = parts?.find((x) => x.name === 'facility')?.valueString as string | undefined;
    if (p.name !== 'alert' || !code) continue;
    if (!names.has(code)) names.set(code, await nameOf(code));
    const name = names.get(code);
    if (name) parts!.push({ name: 'facilityName', valueString: name });
  }
  return params;
}

export function alertParameters(shown: Shown[], names: string[] = []): OutParam[] {
  return shown.map((a) => {
    const t = alertText(a, candidateNameOf(a, names));
    const parts: OutParam[] = [
      { name: 'kind', valueCode: a.kind },
      { name: 'line', valueInteger: a.candidateIndex + 1 },
      { name: 'text', valueString: t.ja },
      { name: 'redacted', valueBoolean: isRedacted(a) },
    ];
    if (!isRedacted(a)) {
      const c = a.conflicting;
      parts.push(
        { name: 'conflictingCode', valueString: c.drug.code },
        { name: 'conflictingName', valueString: c.drug.name },
        { name: 'conflictingDate', valueDate: c.date },
        { name: 'facilityKind', valueCode: c.facilityKind },
        { name: 'facility', valueString: c.facilityCode },
        { name: 'source', valueCode: c.origin === 'candidates' ? 'same-prescription' : c.source },
      );
      if (a.rule?.statement) parts.push({ name: 'statement', valueString: a.rule.statement });
      if (a.rule?.reference) parts.push({ name: 'reference', valueString: a.rule.reference });
    }
    return { name: 'alert', part: parts };
  });
}
