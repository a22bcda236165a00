/**
 * Checks of a patient summary beyond its profile: the sender named in it is the caller (the author Organization's
 * 医療機関コード, the Bundle.identifier `<医療機関コード>^<year>^<id>`, every JP_eCS_InstitutionNumber), and no diagnosis
 * is flagged 未告知 (UNINFORMED) — a summary is written for the person. Problems go to `issues`.
 */
import { FACILITY_CODE_SYSTEM } from '../../../platform/fhir/canonical.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { INDICATION_SYSTEM } from '../model/fhir-codes.ts';
import type { Entry } from '../registration/document-checks.ts';
import { institutionOf } from '../registration/item-facts.ts';

type Json = Record<string, unknown>;

const issue = (ja: string, en: string, path: string): Issue => ({ severity: 'error', code: 'business-rule', ja, en, expression: [path] });

function senderIssue(named: string, facility: string, what: { ja: string; en: string }, path: string): Issue {
  return issue(
    `${what.ja}の医療機関コード（${named}）があなたの医療機関（${facility}）と違います。患者サマリーは作成した医療機関が登録します`,
    `the 医療機関コード of ${what.en} (${named}) is not yours (${facility}); a summary is registered by the facility that wrote it`,
    path,
  );
}

export function summaryIssues(bundle: Json, entries: Entry[], facility: string, issues: Issue[]): void {
  const composition = entries[0];
  if (composition?.resource.resourceType !== 'Composition') {
    issues.push(issue('最初の entry は Composition です', 'the first entry must be the Composition', 'Bundle.entry[0].resource'));
    return;
  }
  const id = String((bundle.identifier as { value?: unknown } | undefined)?.value ?? '');
  const prefix = /^(\d{10})\^/.exec(id)?.[1];
  if (prefix && prefix !== facility)
    issues.push(senderIssue(prefix, facility, { ja: 'Bundle.identifier', en: 'Bundle.identifier' }, 'Bundle.identifier.value'));
  const authors = ((composition.resource.author as Json[] | undefined) ?? [])
    .map((a) => entries.find((e) => e.fullUrl === a?.reference))
    .filter((e): e is Entry => e?.resource.resourceType === 'Organization');
  const codes = authors.map(
    (o) => ((o.resource.identifier as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i?.system === FACILITY_CODE_SYSTEM)?.value,
  );
  if (!codes.some(Boolean))
    issues.push(
      issue(
        '作成機関（Composition.author の Organization）の医療機関コードがありません',
        'the author Organization of the Composition has no 医療機関コード',
        'Bundle.entry[0].resource.author',
      ),
    );
  authors.forEach((o, n) => {
    const code = codes[n];
    if (code && code !== facility)
      issues.push(senderIssue(code, facility, { ja: '作成機関', en: 'the author Organization' }, `Bundle.entry[${o.index}].resource.identifier`));
  });
  for (const e of entries) {
    const named = institutionOf(e.resource);
    if (named !== undefined && named !== facility)
      issues.push(
        senderIssue(
          named,
          facility,
          { ja: `entry[${e.index}] の JP_eCS_InstitutionNumber `, en: `entry[${e.index}] (JP_eCS_InstitutionNumber)` },
          `Bundle.entry[${e.index}].resource.extension`,
        ),
      );
    const tags = ((e.resource.meta as { tag?: { system?: string; code?: string }[] } | undefined)?.tag ?? []).filter((t) => t?.system === INDICATION_SYSTEM);
    if (e.resource.resourceType === 'Condition' && tags.some((t) => t.code === 'UNINFORMED'))
      issues.push(
        issue(
          '患者サマリーは本人に示すものです。未告知（UNINFORMED）の傷病名は含められません',
          'a patient summary is for the person: it cannot hold a diagnosis flagged UNINFORMED (未告知)',
          `Bundle.entry[${e.index}].resource.meta.tag`,
        ),
      );
  }
}
