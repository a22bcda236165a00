/**
 * Who a document is from and to, read off its Composition (the first entry of a document Bundle):
 *   宛先 (addressee)   the Organization of section 910 紹介先情報 (JP_Composition_eReferral referralToSection,
 *                      entry:referralToOrganization), named by its 医療機関コード identifier
 *   紹介元 (sender)    the Organization of section 920 紹介元情報 (referralFromSection, entry:referralFromOrganization)
 *   文書管理機関        Composition.custodian (JP_Organization_eCS)
 * Problems go to `issues` (Japanese + English, with the entry's path), so a refusal names all of them.
 */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { checkFacilityCodeShape } from '../../../platform/identity/facility-code.ts';
import { INSTITUTION_NUMBER_SYSTEM } from '../model/fhir-codes.ts';
import type { Entry } from '../registration/document-checks.ts';

type Json = Record<string, unknown>;
type Reference = { reference?: string };

export const SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
/** 紹介先情報, 紹介元情報, 添付情報, 備考・連絡情報 sections. */
export const SECTION = { referralTo: '910', referralFrom: '920', attachment: '210', remarks: '220' } as const;

const issue = (ja: string, en: string, path: string): Issue => ({ severity: 'error', code: 'business-rule', ja, en, expression: [path] });

/** The Composition entry (a document Bundle's first entry), or an issue. */
export function compositionOf(entries: Entry[], issues: Issue[]): Entry | undefined {
  if (entries[0]?.resource.resourceType === 'Composition') return entries[0];
  issues.push(issue('文書 Bundle の最初の entry は Composition です', 'the first entry of a document Bundle is its Composition', 'Bundle.entry[0].resource'));
  return undefined;
}

/** The top-level section of `code` and its index. */
function section(composition: Json, code: string): { s: Json; index: number } | undefined {
  const sections = (composition.section as Json[] | undefined) ?? [];
  const index = sections.findIndex((s) =>
    ((s?.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []).some((c) => c?.system === SECTION_SYSTEM && c.code === code),
  );
  return index < 0 ? undefined : { s: sections[index], index };
}

const byFullUrl = (entries: Entry[], ref: string | undefined) => (ref ? entries.find((e) => e.fullUrl === ref) : undefined);

/** 医療機関コード of an Organization (its identifier of the insurance-medical-institution-no system), NFKC. */
export function facilityCodeOf(org: Json): string | undefined {
  const id = ((org.identifier as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i?.system === INSTITUTION_NUMBER_SYSTEM);
  return typeof id?.value === 'string' ? id.value.normalize('NFKC').trim() : undefined;
}

/** The Organization entry a section names (its first Organization entry). */
function sectionOrganization(entries: Entry[], composition: Entry, code: string): { entry?: Entry; path: string } {
  const found = section(composition.resource, code);
  const base = `Bundle.entry[${composition.index}].resource.section`;
  if (!found) return { path: base };
  const refs = ((found.s.entry as Reference[] | undefined) ?? []).map((r) => byFullUrl(entries, r?.reference));
  const entry = refs.find((e) => e?.resource.resourceType === 'Organization');
  return { entry, path: `${base}[${found.index}]` };
}

/** The addressee's 医療機関コード (mandatory, 10 digits with a valid check digit), or an issue. */
export function addresseeOf(entries: Entry[], composition: Entry, issues: Issue[]): string | undefined {
  const { entry, path } = sectionOrganization(entries, composition, SECTION.referralTo);
  if (!entry) {
    issues.push(
      issue(
        '紹介先医療機関（宛先）がありません。Composition.section（コード 910 紹介先情報）に紹介先の Organization を記載してください。宛先は必須です',
        'the addressee is missing: a referral letter names the referral-to Organization in Composition.section code 910 (紹介先情報); it is mandatory',
        path,
      ),
    );
    return undefined;
  }
  const code = facilityCodeOf(entry.resource);
  const at = `Bundle.entry[${entry.index}].resource.identifier`;
  if (code === undefined) {
    issues.push(
      issue(
        `紹介先医療機関に医療機関コード（identifier.system = ${INSTITUTION_NUMBER_SYSTEM}）がありません`,
        `the addressee Organization has no 医療機関コード (identifier with system ${INSTITUTION_NUMBER_SYSTEM})`,
        at,
      ),
    );
    return undefined;
  }
  const problem = checkFacilityCodeShape(code);
  if (problem) {
    issues.push(issue(`紹介先の医療機関コードが正しくありません: ${problem.ja}`, `the addressee's 医療機関コード is invalid: ${problem.en}`, at));
    return undefined;
  }
  return code;
}

/** The sending organisation must be the caller: the section 920 Organization (when `fromSection`) and the custodian. */
export function checkSender(entries: Entry[], composition: Entry, sender: string, issues: Issue[], opts: { fromSection: boolean }): void {
  const mismatch = (what: { ja: string; en: string }, entry: Entry | undefined, path: string) => {
    const code = entry ? facilityCodeOf(entry.resource) : undefined;
    if (code === sender) return;
    const at = entry ? `Bundle.entry[${entry.index}].resource.identifier` : path;
    issues.push(
      issue(
        `${what.ja}の医療機関コード（${code ?? 'なし'}）があなたの医療機関コード（${sender}）と一致しません。自院の文書だけを送信できます`,
        `the ${what.en}'s 医療機関コード (${code ?? 'none'}) is not yours (${sender}); a facility sends only its own documents`,
        at,
      ),
    );
  };
  if (opts.fromSection) {
    const from = sectionOrganization(entries, composition, SECTION.referralFrom);
    mismatch({ ja: '紹介元医療機関（section 920）', en: 'referral-from Organization (section 920)' }, from.entry, from.path);
  }
  const custodian = byFullUrl(entries, (composition.resource.custodian as Reference | undefined)?.reference);
  mismatch(
    { ja: '文書管理機関（Composition.custodian）', en: 'custodian Organization (Composition.custodian)' },
    custodian?.resource.resourceType === 'Organization' ? custodian : undefined,
    `Bundle.entry[${composition.index}].resource.custodian`,
  );
}

/** Attachments of a document: DocumentReference and Binary entries (添付情報・PDF・臨床経過 …). */
export const attachmentCount = (entries: Entry[]) =>
  entries.filter((e) => e.resource.resourceType === 'DocumentReference' || e.resource.resourceType === 'Binary').length;
