/**
 * A letter Bundle (JP_Bundle_eReferral, or the service's cover letter of a discharge summary) as people read it: the
 * patient, the sender and the addressee, then each section's narrative as paragraphs and tables. The narrative's XHTML
 * is parsed inertly (DOMParser runs no script) and only its text is kept: nothing of the letter becomes markup.
 */
import type { Json } from './api.ts';

export type Block = { kind: 'p'; text: string } | { kind: 'table'; caption?: string; head: string[]; rows: string[][] };

export interface LetterSection {
  code: string;
  title: string;
  blocks: Block[];
}

export interface LetterParty {
  name?: string;
  code?: string;
  lines: string[];
}

export interface LetterModel {
  title: string;
  date?: string;
  patient: { name?: string; kana?: string; birthDate?: string; gender?: string; address?: string };
  sender: LetterParty;
  addressee: LetterParty;
  purpose: Block[];
  diagnoses: { name: string; onset?: string }[];
  sections: LetterSection[];
  /** A discharge summary comes with it (the cover letter, or attached). */
  summary?: LetterModel;
}

const INSTITUTION = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const PARTY_SECTIONS = new Set(['920', '910', '950']);

const text = (s: string) => s.replace(/[ \t\r\n]+/g, ' ').trim();

/** The blocks of an XHTML narrative (`<div>` of paragraphs, lists and tables). */
export function narrativeBlocks(div: unknown): Block[] {
  if (typeof div !== 'string' || !div.trim()) return [];
  const doc = new DOMParser().parseFromString(div, 'text/html');
  const blocks: Block[] = [];
  const walk = (el: Element) => {
    for (const node of Array.from(el.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        const t = text(node.textContent ?? '');
        if (t) blocks.push({ kind: 'p', text: t });
        continue;
      }
      if (!(node instanceof Element)) continue;
      const tag = node.tagName.toLowerCase();
      if (tag === 'table') {
        const rows = Array.from(node.querySelectorAll('tr'));
        const cells = (tr: Element) => Array.from(tr.children).map((c) => text(c.textContent ?? ''));
        const headRow = rows.find((r) => r.querySelector('th') && !r.querySelector('td'));
        blocks.push({
          kind: 'table',
          caption: node.querySelector('caption')?.textContent?.trim() || undefined,
          head: headRow ? cells(headRow) : [],
          rows: rows.filter((r) => r !== headRow).map(cells),
        });
      } else if (tag === 'div' || tag === 'ul' || tag === 'ol' || tag === 'section') walk(node);
      else {
        // Keep line breaks of <br/> inside a paragraph.
        const clone = node.cloneNode(true) as Element;
        for (const br of Array.from(clone.querySelectorAll('br'))) br.replaceWith('\n');
        const t = (clone.textContent ?? '').split('\n').map(text).filter(Boolean).join('\n');
        if (t) blocks.push({ kind: 'p', text: tag === 'li' ? `・${t}` : t });
      }
    }
  };
  const root = doc.body.firstElementChild?.tagName.toLowerCase() === 'div' ? doc.body.firstElementChild : doc.body;
  walk(root);
  return blocks;
}

const codeOf = (s: Json) =>
  ((s.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? []).find((c) => c.system === SECTION_SYSTEM)?.code ?? '';

function nameOf(r: Json | undefined, representation: 'IDE' | 'SYL'): string | undefined {
  const names = (r?.name as { text?: string; family?: string; given?: string[]; extension?: { valueCode?: string }[] }[] | undefined) ?? [];
  const n = names.find((x) => (x.extension ?? []).some((e) => e.valueCode === representation)) ?? (representation === 'IDE' ? names[0] : undefined);
  if (!n) return undefined;
  return n.text ?? [n.family, ...(n.given ?? [])].filter(Boolean).join(' ');
}

function partyOf(byUrl: (ref: unknown) => Json | undefined, section: Json | undefined): LetterParty {
  if (!section) return { lines: [] };
  const refs = (section.entry as { reference?: string }[] | undefined) ?? [];
  const org = refs.map((r) => byUrl(r)).find((r) => r?.resourceType === 'Organization');
  const code = ((org?.identifier as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i.system === INSTITUTION)?.value;
  const lines = narrativeBlocks((section.text as { div?: string } | undefined)?.div)
    .flatMap((b) => (b.kind === 'p' ? b.text.split('\n') : []))
    .filter(Boolean);
  return { name: (org?.name as string | undefined) ?? undefined, code, lines };
}

const blocksOf = (s: Json) => narrativeBlocks((s.text as { div?: string } | undefined)?.div);

/** The model of a letter Bundle (undefined when it is not a document with a Composition). */
export function letterModel(bundle: Json | undefined): LetterModel | undefined {
  const entries = (bundle?.entry as { fullUrl?: string; resource?: Json }[] | undefined) ?? [];
  const composition = entries[0]?.resource;
  if (composition?.resourceType !== 'Composition') return undefined;
  const byUrl = (ref: unknown) => entries.find((e) => e.fullUrl === (ref as { reference?: string } | undefined)?.reference)?.resource;
  const top = (composition.section as Json[] | undefined) ?? [];
  const all: Json[] = [];
  for (const s of top) {
    all.push(s);
    for (const sub of (s.section as Json[] | undefined) ?? []) all.push(sub);
  }
  const sectionOf = (code: string) => all.find((s) => codeOf(s) === code);
  const patient = byUrl(composition.subject) ?? entries.find((e) => e.resource?.resourceType === 'Patient')?.resource;
  const problem = sectionOf('340');
  const diagnoses = ((problem?.entry as { reference?: string }[] | undefined) ?? [])
    .map((r) => byUrl(r))
    .filter((r): r is Json => r?.resourceType === 'Condition')
    .map((c) => {
      const code = c.code as { text?: string; coding?: { display?: string }[] } | undefined;
      return { name: code?.text ?? code?.coding?.[0]?.display ?? '', onset: (c.onsetDateTime as string | undefined)?.slice(0, 10) };
    })
    .filter((d) => d.name);
  const attached = entries.find((e, i) => i > 0 && e.resource?.resourceType === 'Bundle')?.resource;
  return {
    title: (composition.title as string | undefined) ?? '診療情報提供書',
    date: composition.date as string | undefined,
    patient: {
      name: nameOf(patient, 'IDE'),
      kana: nameOf(patient, 'SYL'),
      birthDate: patient?.birthDate as string | undefined,
      gender: patient?.gender as string | undefined,
      address: ((patient?.address as { text?: string }[] | undefined) ?? [])[0]?.text,
    },
    sender: partyOf(byUrl, sectionOf('920')),
    addressee: partyOf(byUrl, sectionOf('910')),
    purpose: sectionOf('950') ? blocksOf(sectionOf('950')!) : [],
    // The 傷病名・主訴 narrative says it (#1 …) when there is one; the coded list otherwise.
    diagnoses: problem && blocksOf(problem).length ? [] : diagnoses,
    sections: all
      .filter((s) => !PARTY_SECTIONS.has(codeOf(s)) && !(s.section as Json[] | undefined)?.length)
      .map((s) => ({ code: codeOf(s), title: (s.title as string | undefined) ?? '', blocks: blocksOf(s) }))
      .filter((s) => s.blocks.length),
    summary: attached ? letterModel(attached) : undefined,
  };
}

const JST = 'Asia/Tokyo';

/** 2026/11/29 16:30 (Japan time). */
export function dateTimeText(iso: string | undefined, lang: 'ja' | 'en'): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: JST, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** 2026年11月29日 / 29 Nov 2026 (a date or the day of a dateTime, Japan time). */
export function dateText(value: string | undefined, lang: 'ja' | 'en'): string {
  if (!value) return '';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+09:00`) : new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: JST, dateStyle: 'long' }).format(d);
}

/** Today (YYYY-MM-DD) and now (dateTime with +09:00), Japan time. */
export function japanNow(now = new Date()): { date: string; stamp: string } {
  const shifted = new Date(now.getTime() + 9 * 3600_000).toISOString();
  return { date: shifted.slice(0, 10), stamp: `${shifted.slice(0, 19)}+09:00` };
}

export const GENDER: Record<string, { ja: string; en: string }> = {
  male: { ja: '男性', en: 'male' },
  female: { ja: '女性', en: 'female' },
  other: { ja: 'その他', en: 'other' },
  unknown: { ja: '不明', en: 'unknown' },
};
