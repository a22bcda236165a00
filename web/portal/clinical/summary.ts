/** `Patient/{id}/$patient-summary`: each facility's 患者サマリー (Composition) — title, date, author, its sections' text. Pure. */
import { arrayOf, isRecord, japanDay, stringOf } from '../../clinic/patient/format.ts';

export interface SummaryView {
  ref: string;
  title: string;
  date?: string;
  author?: string;
  sections: { title: string; text: string }[];
}

/** The narrative's text without its markup. */
const plain = (div: unknown) =>
  typeof div === 'string'
    ? div
        .replace(/<br\s*\/?>/gi, '\n')
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
        .trim()
    : '';

export function summariesOf(bundle: unknown): SummaryView[] {
  const b = isRecord(bundle) ? bundle : {};
  return arrayOf(b.entry)
    .map((e) => (isRecord(e.resource) ? e.resource : undefined))
    .filter((r) => r?.resourceType === 'Composition')
    .map((c, i) => {
      const r = c as Record<string, unknown>;
      const author = [r.custodian, ...arrayOf(r.author)].filter(isRecord).map((a) => stringOf(a.display))[0];
      return {
        ref: `Composition/${stringOf(r.id) ?? i}`,
        title: stringOf(r.title) ?? '患者サマリー',
        date: japanDay(r.date),
        author,
        sections: arrayOf(r.section).map((s) => ({ title: stringOf(s.title) ?? '', text: plain(isRecord(s.text) ? s.text.div : undefined) })),
      };
    })
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}
