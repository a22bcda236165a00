/**
 * The cover letter (頭紙) the service generates for a discharge summary sent alone (since the Dec 2025 policy): a
 * minimal referral-style document Bundle saying who sends what to whom about which patient —
 *
 *   Bundle (type document, meta.tag letter-kind|discharge-summary-cover, identifier `<sender>^<year>^<letter id>`)
 *     Composition   title 退院時サマリー送付状（頭紙）, type 57133-1 (診療情報提供書), category of the summary, subject,
 *                   author and custodian the sender; sections 920 紹介元情報 (sender), 910 紹介先情報 (addressee),
 *                   210 添付情報 (the summary), 220 備考・連絡情報 (the sender's note, if any)
 *     Patient       the summary's Patient, as sent
 *     Organization  the sender: the summary's custodian, as sent
 *     Organization  the addressee: its 医療機関コード only
 *     Bundle        the discharge summary, exactly as sent
 *
 * It claims no profile (JP_Bundle_eReferral asks for clinical sections a cover does not have) and carries no signature.
 */
import { randomUUID } from 'node:crypto';
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import { INSTITUTION_NUMBER_SYSTEM, RESOURCE_INSTANCE_IDENTIFIER } from '../model/fhir-codes.ts';
import type { Entry } from '../registration/document-checks.ts';
import { SECTION, SECTION_SYSTEM } from './letter-parties.ts';

type Json = Record<string, unknown>;

export const LETTER_KIND_SYSTEM = `${TSUNAGU_CANONICAL}/CodeSystem/letter-kind`;
export const COVER_TAG = { system: LETTER_KIND_SYSTEM, code: 'discharge-summary-cover', display: '退院時サマリー送付状（頭紙）' } as const;
const COVER_TITLE = '退院時サマリー送付状（頭紙）';

const xhtml = (text: string) =>
  `<div xmlns="http://www.w3.org/1999/xhtml">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br/>')}</div>`;

const sectionOf = (code: string, title: string, display: string, refs: string[], text?: string): Json => ({
  title,
  code: { coding: [{ system: SECTION_SYSTEM, code, display }] },
  ...(text ? { text: { status: 'generated', div: xhtml(text) } } : {}),
  ...(refs.length ? { entry: refs.map((reference) => ({ reference })) } : {}),
});

export interface CoverInput {
  letterId: string;
  sender: string;
  addressee: string;
  /** The summary as sent, and its entries. */
  summary: Json;
  entries: Entry[];
  note?: string;
  now: Date;
}

export function coverLetter(c: CoverInput): Json {
  const composition = c.entries[0].resource;
  const byUrl = (ref: unknown) => c.entries.find((e) => e.fullUrl === (ref as { reference?: string } | undefined)?.reference)?.resource;
  const patient = c.entries.find((e) => e.resource.resourceType === 'Patient')!.resource;
  const senderOrg = byUrl(composition.custodian) ?? { resourceType: 'Organization', identifier: [{ system: INSTITUTION_NUMBER_SYSTEM, value: c.sender }] };
  const url = {
    composition: `urn:uuid:${randomUUID()}`,
    patient: `urn:uuid:${randomUUID()}`,
    sender: `urn:uuid:${randomUUID()}`,
    addressee: `urn:uuid:${randomUUID()}`,
    summary: `urn:uuid:${randomUUID()}`,
  };
  const at = c.now.toISOString();
  const year = at.slice(0, 4);
  const sections = [
    sectionOf(SECTION.referralFrom, '紹介元情報', '紹介元情報セクション', [url.sender]),
    sectionOf(SECTION.referralTo, '紹介先情報', '紹介先情報セクション', [url.addressee]),
    sectionOf(SECTION.attachment, '添付情報', '添付情報セクション', [url.summary], '退院時サマリーを添付します。'),
    ...(c.note ? [sectionOf(SECTION.remarks, '備考・連絡情報', '備考・連絡情報セクション', [], c.note)] : []),
  ];
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: at, tag: [COVER_TAG] },
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${c.sender}^${year}^${c.letterId}` },
    type: 'document',
    timestamp: at,
    entry: [
      {
        fullUrl: url.composition,
        resource: {
          resourceType: 'Composition',
          identifier: { system: RESOURCE_INSTANCE_IDENTIFIER, value: `${c.sender}-${year}-${c.letterId}` },
          status: 'final',
          type: {
            coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', code: '57133-1', display: '診療情報提供書' }],
            text: COVER_TITLE,
          },
          ...(composition.category ? { category: composition.category } : {}),
          subject: { reference: url.patient },
          date: at,
          author: [{ reference: url.sender }],
          title: COVER_TITLE,
          custodian: { reference: url.sender },
          event: [{ code: [{ text: '退院時サマリー送付' }], period: { start: at } }],
          section: sections,
        },
      },
      { fullUrl: url.patient, resource: patient },
      { fullUrl: url.sender, resource: senderOrg },
      { fullUrl: url.addressee, resource: { resourceType: 'Organization', identifier: [{ system: INSTITUTION_NUMBER_SYSTEM, value: c.addressee }] } },
      { fullUrl: url.summary, resource: c.summary },
    ],
  };
}

/** The discharge summary inside a cover letter. */
export function summaryOfCover(cover: Json): Json | undefined {
  return ((cover.entry as { resource?: Json }[] | undefined) ?? []).find((e) => e.resource?.resourceType === 'Bundle')?.resource;
}
