/**
 * A JP_Bundle_ePrescriptionData read for registration: the issuing facility, the dates, refill and split, the lines.
 *
 *   交付日 (issuedOn)     Composition.event.period.start (required by the profile)
 *   使用期限 (validUntil)  Composition.event.period.end, else the legal term: 交付の日を含めて4日 (療担規則 第20条 3 ロ)
 *   発行機関 (issuer)      the Organization with a 医療機関コード named by the author PractitionerRole (else the custodian):
 *                        it must be the caller
 *   リフィル              MedicationRequest.dispenseRequest.numberOfRepeatsAllowed (FHIR: uses after the first), the same
 *                        on every line; at most 3 uses in all (令和4年度診療報酬改定); not on a 麻薬処方箋 (category 02)
 *                        nor with a 分割指示 (category 03)
 *   分割指示 (split)       Composition.category 03 分割一般処方: the pharmacy dispenses the lines in parts
 *   lines               every MedicationRequest: its drug (drug-lines.ts), quantity and unit, days, 後発品変更不可
 * Problems are collected into `issues` with their paths, so one refusal names all of them.
 */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { DrugMaster } from '../master/index.ts';
import { FACILITY_CODE_SYSTEMS, PRESCRIPTION_CATEGORY_SYSTEM, SPLIT_CATEGORY, SUBSTITUTION_SYSTEM } from '../model/fhir-codes.ts';
import { type Entry, type Json, codings, dateOf, entriesOf, identifierValue, issue, resolve, str } from './document-entries.ts';
import { type DrugLine, drugOf } from './drug-lines.ts';

export const MAX_USES = 3;
/** 処方箋の使用期間: 交付の日を含めて4日. */
export const LEGAL_VALID_DAYS = 4;

export interface PrescribedLine extends DrugLine {
  lineNo: number;
  /** Entry index in the Bundle. */
  index: number;
  quantity: number;
  unit: string;
  days?: number;
  /** 後発品変更不可コード: 0 変更可 (default), 1 後発品変更不可, 2 剤形変更不可, 3 含量規格変更不可. */
  substitution: '0' | '1' | '2' | '3';
}

export interface PrescriptionDocument {
  documentId: string;
  issuer?: string;
  issuedOn?: string;
  validUntil?: string;
  usesAllowed: number;
  split: boolean;
  narcotic: boolean;
  lines: PrescribedLine[];
}

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** 医療機関コード of the issuing facility (author PractitionerRole's organization, else the custodian). */
function issuerOf(entries: Entry[], composition: Entry, issues: Issue[]): string | undefined {
  const authors = ((composition.resource.author as unknown[] | undefined) ?? []).map((a) => resolve(entries, a));
  const roleOrgs = authors.filter((e) => e?.resource.resourceType === 'PractitionerRole').map((r) => resolve(entries, r!.resource.organization));
  const candidates = [...roleOrgs, ...authors.filter((e) => e?.resource.resourceType === 'Organization'), resolve(entries, composition.resource.custodian)];
  for (const org of candidates) {
    const code = identifierValue(org?.resource, FACILITY_CODE_SYSTEMS);
    if (code) return code;
  }
  issues.push(
    issue(
      '処方箋を発行した医療機関の医療機関コードがありません（PractitionerRole.organization または Composition.custodian の Organization.identifier）',
      'the issuing facility has no 医療機関コード (Organization.identifier of the author PractitionerRole.organization or the custodian)',
      `Bundle.entry[${composition.index}].resource.author`,
    ),
  );
  return undefined;
}

function substitutionOf(mr: Json): PrescribedLine['substitution'] {
  const code = codings((mr.substitution as Json | undefined)?.allowedCodeableConcept).find((c) => c.system === SUBSTITUTION_SYSTEM)?.code;
  return code === '1' || code === '2' || code === '3' ? code : '0';
}

export function readPrescription(bundle: Json, entries: Entry[], master: DrugMaster, issues: Issue[]): PrescriptionDocument {
  const documentId = str((bundle.identifier as Json | undefined)?.value) ?? '';
  const composition = entries[0]?.resource.resourceType === 'Composition' ? entries[0] : undefined;
  const doc: PrescriptionDocument = { documentId, usesAllowed: 1, split: false, narcotic: false, lines: [] };
  if (!composition) {
    issues.push(issue('文書 Bundle の最初の entry は Composition です', 'the first entry of a document Bundle is its Composition', 'Bundle.entry[0].resource'));
    return doc;
  }
  const at = `Bundle.entry[${composition.index}].resource`;
  doc.issuer = issuerOf(entries, composition, issues);
  const period = ((composition.resource.event as Json[] | undefined)?.[0]?.period ?? {}) as Json;
  doc.issuedOn = dateOf(period.start);
  if (!doc.issuedOn)
    issues.push(issue('交付日（Composition.event.period.start）がありません', 'no issue date (Composition.event.period.start)', `${at}.event`));
  else {
    doc.validUntil = dateOf(period.end) ?? addDays(doc.issuedOn, LEGAL_VALID_DAYS - 1);
    if (doc.validUntil < doc.issuedOn)
      issues.push(issue('使用期限が交付日より前です', 'the end of validity is before the issue date', `${at}.event[0].period.end`));
  }
  const category = codings((composition.resource.category as unknown[] | undefined)?.[0]).find((c) => c.system === PRESCRIPTION_CATEGORY_SYSTEM)?.code;
  doc.split = category === SPLIT_CATEGORY;
  doc.narcotic = category === '02';

  const requests = entriesOf(entries, 'MedicationRequest');
  if (requests.length === 0) issues.push(issue('処方（MedicationRequest）がありません', 'the prescription has no MedicationRequest', 'Bundle.entry'));
  const repeats = new Set<number>();
  const on = doc.issuedOn ? new Date(`${doc.issuedOn}T12:00:00+09:00`) : new Date();
  requests.forEach((e, i) => {
    const path = `Bundle.entry[${e.index}].resource`;
    const mr = e.resource;
    const dispense = (mr.dispenseRequest ?? {}) as Json;
    const n = dispense.numberOfRepeatsAllowed;
    repeats.add(typeof n === 'number' ? n : 0);
    const quantity = (dispense.quantity ?? {}) as Json;
    const value = quantity.value;
    if (typeof value !== 'number' || !(value > 0))
      issues.push(
        issue(
          '調剤量（dispenseRequest.quantity.value）は正の数です',
          'dispenseRequest.quantity.value must be a positive number',
          `${path}.dispenseRequest.quantity`,
        ),
      );
    const days = ((dispense.expectedSupplyDuration ?? {}) as Json).value;
    const drug = drugOf(master, mr.medicationCodeableConcept, on, `${path}.medicationCodeableConcept`, issues);
    if (!drug || typeof value !== 'number' || !(value > 0)) return;
    doc.lines.push({
      ...drug,
      lineNo: i + 1,
      index: e.index,
      quantity: value,
      unit: str(quantity.unit) ?? str(quantity.code) ?? drug.entry.unit ?? '',
      days: typeof days === 'number' && days > 0 ? days : undefined,
      substitution: substitutionOf(mr),
    });
  });
  if (repeats.size > 1)
    issues.push(issue('リフィル回数（numberOfRepeatsAllowed）は全ての薬剤で同じです', 'numberOfRepeatsAllowed must be the same on every line', 'Bundle.entry'));
  const extra = Math.max(0, ...repeats);
  if (!Number.isInteger(extra) || extra + 1 > MAX_USES)
    issues.push(
      issue(
        `リフィル処方箋の使用回数は${MAX_USES}回までです（numberOfRepeatsAllowed ${extra} は ${extra + 1} 回）`,
        `a refill prescription is used at most ${MAX_USES} times (numberOfRepeatsAllowed ${extra} means ${extra + 1})`,
        'Bundle.entry',
      ),
    );
  doc.usesAllowed = Math.min(MAX_USES, extra + 1);
  if (doc.usesAllowed > 1 && doc.narcotic)
    issues.push(issue('麻薬処方箋はリフィル処方箋にできません', 'a narcotics prescription cannot be a refill prescription', `${at}.category`));
  if (doc.usesAllowed > 1 && doc.split)
    issues.push(issue('リフィル処方箋に分割指示は付けられません', 'a refill prescription cannot also carry a split instruction', `${at}.category`));
  if (doc.usesAllowed > 1 && doc.lines.some((l) => l.days === undefined))
    issues.push(
      issue(
        'リフィル処方箋の薬剤には投与日数（expectedSupplyDuration）が必要です（次回調剤予定日を決めるため）',
        'every line of a refill prescription needs its days (expectedSupplyDuration): the next use is dated from them',
        'Bundle.entry',
      ),
    );
  return doc;
}
