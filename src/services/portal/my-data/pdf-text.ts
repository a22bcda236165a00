/** The readable lines of the person's data for the printed document: Japanese labels, one row per item. */
import { CONSENT_CATEGORIES, CONSENT_CATEGORY_SYSTEM } from '../../../platform/consent/categories.ts';
import type { ListedConsent } from '../../../platform/consent/consent-list.ts';
import type { MedicationRecord } from '../../eprescription/index.ts';
import type { MyResource } from './collect.ts';

type Coding = { system?: string; code?: string; display?: string };
type Concept = { text?: string; coding?: Coding[] };
type Quantity = { value?: number; unit?: string; code?: string };
type Ext = { url?: string; valueCode?: string; valueCoding?: Coding };
/** The members of FHIR resources the document reads (loosely: stored JSON, read for display only). */
interface Json {
  [k: string]: unknown;
  code?: Concept;
  clinicalStatus?: Concept;
  medicationCodeableConcept?: Concept;
  type?: Concept;
  relationship?: Concept;
  valueQuantity?: Quantity;
  valueCodeableConcept?: Concept;
  valueString?: unknown;
  valueBoolean?: unknown;
  valueInteger?: unknown;
  identifier?: { value?: string }[];
  costToBeneficiary?: { valueQuantity?: Quantity }[];
  extension?: Ext[];
  period?: { start?: string; end?: string };
  status?: string;
  name?: { text?: string; family?: string; given?: string[]; extension?: Ext[] }[];
  meta?: { security?: Coding[]; lastUpdated?: string };
  author?: { display?: string }[];
  title?: string;
}

export interface Row {
  date: string;
  text: string;
}

/** YYYY-MM-DD of a FHIR date or instant (Japan day for instants). */
export function dayOf(v: unknown): string {
  if (typeof v !== 'string' || !v) return '';
  if (v.length <= 10) return v;
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? v.slice(0, 10) : new Date(t.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

export const codeText = (cc: Concept | undefined): string => cc?.text ?? cc?.coding?.find((c) => c.display)?.display ?? cc?.coding?.[0]?.code ?? '（名称なし）';

function valueText(o: Json): string {
  if (o.valueQuantity) return `${o.valueQuantity.value ?? ''} ${o.valueQuantity.unit ?? o.valueQuantity.code ?? ''}`.trim();
  if (typeof o.valueString === 'string') return o.valueString;
  if (o.valueCodeableConcept) return codeText(o.valueCodeableConcept);
  if (typeof o.valueBoolean === 'boolean') return o.valueBoolean ? 'あり' : 'なし';
  if (typeof o.valueInteger === 'number') return String(o.valueInteger);
  return '';
}

const CLINICAL_STATUS: Record<string, string> = {
  active: '継続',
  recurrence: '再発',
  relapse: '再燃',
  inactive: '非活動',
  remission: '寛解',
  resolved: '治癒',
};
const clinicalStatus = (cc: Concept) => CLINICAL_STATUS[cc.coding?.[0]?.code ?? ''] ?? codeText(cc);

export const byDateDesc = (a: Row, b: Row) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);

export function patientName(p: Json | undefined): string {
  const names = p?.name ?? [];
  const kanji = names.find((n) => !n.extension?.some((e) => e.valueCode === 'SYL')) ?? names[0];
  if (!kanji) return '';
  return kanji.text ?? [kanji.family, ...(kanji.given ?? [])].filter(Boolean).join(' ');
}

export function coverageRows(resources: MyResource[], insurerName: (code: string) => string): Row[] {
  return resources
    .filter((r) => r.resourceType === 'Coverage')
    .map((r) => {
      const c = r.resource as Json;
      // 被保険者個人識別子 `保険者番号:記号:番号:枝番`.
      const [insurer, symbol, number] = String(c.identifier?.find((i) => i.value?.includes(':'))?.value ?? '').split(':');
      const copay = c.costToBeneficiary?.[0]?.valueQuantity?.value;
      const limit = (c.extension ?? []).find((e) => e.valueCoding && /limit/i.test(e.url ?? ''))?.valueCoding?.display;
      const period = `${c.period?.start ?? ''}〜${c.period?.end ?? ''}`;
      const parts = [
        insurer ? `保険者 ${insurerName(insurer)}（${insurer}）` : '',
        symbol || number ? `記号・番号 ${[symbol, number].filter(Boolean).join('・')}` : '',
        c.type?.coding?.[0]?.display ?? '',
        c.relationship?.coding?.[0]?.display ?? '',
        copay !== undefined ? `負担割合 ${Number(copay) >= 10 ? Number(copay) / 10 : copay}割` : '',
        limit ? `限度額区分 ${limit}` : '',
        `期間 ${period}`,
        c.status === 'active' ? '有効' : c.status === 'cancelled' ? '無効' : (c.status ?? ''),
      ];
      return { date: c.period?.start ?? '', text: parts.filter(Boolean).join('　') };
    })
    .sort(byDateDesc);
}

export function medicationRows(records: MedicationRecord[], names: Map<string, string>): { prescribed: Row[]; dispensed: Row[] } {
  const row = (m: MedicationRecord): Row => ({
    date: m.date,
    text: `${m.name}　${m.quantity}${m.unit}${m.days !== undefined ? `・${m.days}日分` : ''}　${names.get(m.facility) ?? m.facility}${m.substituted ? '（後発品に変更）' : ''}`,
  });
  return { prescribed: records.filter((m) => m.source === 'prescription').map(row), dispensed: records.filter((m) => m.source === 'dispensing').map(row) };
}

export function itemRows(resources: MyResource[], kinds: string[]): Row[] {
  return resources
    .filter((r) => r.kind && kinds.includes(r.kind))
    .map((r) => {
      const x = r.resource as Json;
      if (r.resourceType === 'Condition')
        return {
          date: dayOf(x.onsetDateTime ?? x.recordedDate),
          text: `${codeText(x.code)}${x.clinicalStatus ? `（${clinicalStatus(x.clinicalStatus)}）` : ''}`,
        };
      if (r.resourceType === 'AllergyIntolerance')
        return { date: dayOf(x.recordedDate ?? x.onsetDateTime), text: `${codeText(x.code)}${x.criticality === 'high' ? '（重篤）' : ''}` };
      if (r.resourceType === 'Observation') return { date: dayOf(x.effectiveDateTime ?? x.issued), text: `${codeText(x.code)}　${valueText(x)}`.trim() };
      return { date: dayOf(x.authoredOn ?? x.meta?.lastUpdated), text: codeText(x.medicationCodeableConcept ?? x.code) };
    })
    .sort(byDateDesc);
}

const labelled = (r: MyResource, category: string) =>
  ((r.resource as Json).meta?.security ?? []).some((s) => s.system === CONSENT_CATEGORY_SYSTEM && s.code === category);

/** Check-up results (data labelled 健診) and the documents (check-up reports, patient summaries). */
export function checkupRows(resources: MyResource[]): Row[] {
  return resources
    .filter((r) => !r.kind && r.resourceType === 'Observation' && labelled(r, 'checkup'))
    .map((r) => ({
      date: dayOf((r.resource as Json).effectiveDateTime),
      text: `${codeText((r.resource as Json).code)}　${valueText(r.resource as Json)}`.trim(),
    }))
    .sort(byDateDesc);
}

export function documentRows(resources: MyResource[]): Row[] {
  return resources
    .filter((r) => r.resourceType === 'Composition')
    .map((r) => {
      const c = r.resource as Json;
      const author = c.author?.[0]?.display;
      return { date: dayOf(c.date), text: `${c.title ?? codeText(c.type)}${author ? `　${author}` : ''}` };
    })
    .sort(byDateDesc);
}

const POLICY: Record<string, string> = { outpatient: '外来', inpatient: '入院', 'home-care': '在宅', portal: 'ポータル', emergency: '救急時' };
const STATE: Record<string, string> = { active: '有効', expired: '期限切れ', revoked: '取消し', replaced: '置き換え' };

export function consentRows(consents: ListedConsent[], nameOf: (code: string) => string): Row[] {
  return consents.map((c) => ({
    date: dayOf(c.givenAt.toISOString()),
    text: `${nameOf(c.recipient.code) || c.recipient.name}　${CONSENT_CATEGORIES[c.category].ja}　${c.decision === 'permit' ? '同意' : '同意しない'}（${POLICY[c.policy] ?? c.policy}）　〜${dayOf(c.validTo.toISOString())}　${STATE[c.state]}`,
  }));
}
