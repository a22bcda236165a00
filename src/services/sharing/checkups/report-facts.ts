/**
 * What a check-up report says of itself (健診結果報告書の属性): its Composition, business identifier, kind (健診プログラム
 * サービスコード), report category (報告区分), the provider (健診機関: the custodian Organization's 医療機関コード, else
 * the author Organization's) and the check-up date (受診日). Problems go to `issues`, with the entry's path.
 */
import { FACILITY_CODE_SYSTEM } from '../../../platform/fhir/canonical.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { Entry } from '../registration/document-checks.ts';
import { type CheckupKind, kindOfProgram, PROGRAM_SERVICE_SYSTEM, REPORT_CATEGORY_SYSTEMS } from './checkup-model.ts';

type Json = Record<string, unknown>;
interface Coding {
  system?: string;
  code?: string;
}

export interface ReportFacts {
  composition: Entry;
  /** Composition.identifier `system|value`. */
  documentId: string;
  kind: CheckupKind;
  programCode: string;
  reportCategory: string;
  /** 医療機関コード of the provider. */
  provider?: string;
  /** 受診日, YYYY-MM-DD (Japan). */
  checkupDate: string;
}

const issue = (ja: string, en: string, path: string): Issue => ({ severity: 'error', code: 'business-rule', ja, en, expression: [path] });
const codings = (cc: unknown): Coding[] => ((cc as { coding?: Coding[] } | undefined)?.coding ?? []).filter((c) => c && typeof c === 'object');

/** The Japan calendar date of a FHIR date or dateTime (a dateTime with an offset is moved to Japan time). */
export function japanDateOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  if (!value.includes('T')) return value.slice(0, 10);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t + 9 * 3600_000).toISOString().slice(0, 10);
}

const byUrl = (entries: Entry[], ref: unknown) => (typeof ref === 'string' ? entries.find((e) => e.fullUrl === ref) : undefined);

/** 医療機関コード of an Organization entry. */
function facilityCodeOf(org: Entry | undefined): string | undefined {
  if (org?.resource.resourceType !== 'Organization') return undefined;
  const ids = (org.resource.identifier as { system?: string; value?: string }[] | undefined) ?? [];
  return ids.find((i) => i?.system === FACILITY_CODE_SYSTEM && typeof i.value === 'string')?.value;
}

export function reportFacts(entries: Entry[], issues: Issue[], today: string): ReportFacts | undefined {
  const composition = entries[0];
  if (composition?.resource.resourceType !== 'Composition') {
    issues.push(issue('最初の entry は Composition です', 'the first entry must be the Composition', 'Bundle.entry[0].resource'));
    return undefined;
  }
  const c = composition.resource;
  const at = 'Bundle.entry[0].resource';
  const ident = c.identifier as { system?: string; value?: string } | undefined;
  if (typeof ident?.value !== 'string' || !ident.value)
    issues.push(issue('Composition.identifier がありません', 'Composition.identifier is missing', `${at}.identifier`));
  const documentId = `${ident?.system ?? ''}|${ident?.value ?? ''}`;

  const event = ((c.event as Json[] | undefined) ?? [])[0];
  const program = ((event?.code as unknown[] | undefined) ?? []).flatMap(codings).find((x) => x.system === PROGRAM_SERVICE_SYSTEM)?.code ?? '';
  const kind = kindOfProgram(program);
  if (!kind)
    issues.push(
      issue(
        `健診の種類（Composition.event.code, ${PROGRAM_SERVICE_SYSTEM}）がありません・不明です（${program || 'なし'}）`,
        `the kind of check-up (Composition.event.code of ${PROGRAM_SERVICE_SYSTEM}) is missing or unknown (${program || 'none'})`,
        `${at}.event`,
      ),
    );
  const reportCategory =
    ((c.category as unknown[] | undefined) ?? []).flatMap(codings).find((x) => REPORT_CATEGORY_SYSTEMS.includes(x.system ?? ''))?.code ?? '';

  const custodian = byUrl(entries, (c.custodian as Json | undefined)?.reference);
  const authors = ((c.author as Json[] | undefined) ?? []).map((a) => byUrl(entries, a?.reference)).filter((e) => e?.resource.resourceType === 'Organization');
  const provider = facilityCodeOf(custodian) ?? authors.map(facilityCodeOf).find(Boolean);
  if (!provider)
    issues.push(
      issue(
        '健診機関（Composition.custodian / author の Organization）の医療機関コードがありません',
        'the provider (the custodian or author Organization of the Composition) has no 医療機関コード',
        `${at}.custodian`,
      ),
    );

  const encounter = byUrl(entries, (c.encounter as Json | undefined)?.reference);
  const checkupDate = japanDateOf((encounter?.resource.period as Json | undefined)?.start) ?? japanDateOf((event?.period as Json | undefined)?.start);
  if (!checkupDate)
    issues.push(issue('受診日（Encounter.period.start）がありません', 'the check-up date (Encounter.period.start) is missing', `${at}.encounter`));
  else if (checkupDate > today)
    issues.push(issue(`受診日 ${checkupDate} が未来の日付です`, `the check-up date ${checkupDate} is in the future`, `${at}.encounter`));
  if (!kind || !checkupDate) return undefined;
  return { composition, documentId, kind, programCode: program, reportCategory, provider, checkupDate };
}
