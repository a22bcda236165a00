/**
 * Coding.display against the code system (表示名の確認): the display must be the concept's display
 * or one of its designations, in any language, compared case-insensitively (as the HL7 validator's
 * code system check does). A display that differs only in whitespace gets its own message.
 *
 * Severity: warning. The R4-era HL7 validator reported "Wrong Display Name" as a warning; current
 * versions report it as an error unless run with `-display-issues-are-warnings`. Tsunagu keeps the
 * warning: a display is for people, the code carries the meaning.
 *
 * Deliberate difference: a Japanese display (Japanese script) is not flagged when the code system has
 * no Japanese display or designation at all (loaded version or supplement) — the HL7 validator
 * flags the JP examples' Japanese displays of English-only code systems (v2/v3/THO, LOINC subsets),
 * which says nothing about the display being wrong.
 */
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';
import { JAPANESE_SCRIPT } from '../terminology/code-system-index.ts';
import { isGrammarSystem } from '../terminology/grammar-systems.ts';
import type { Terminology } from '../terminology/terminology.ts';

type Json = Record<string, unknown>;

const quoteList = (values: string[]): string => values.map((v) => `'${v}'`).join(', ');

export const displayMsg = {
  wrongDisplay: (display: string, system: string, code: string, valid: string[], whitespace: boolean): Message => {
    const choices = valid.length === 1 ? `Valid display is ${quoteList(valid)}` : `Valid display is one of ${valid.length} choices: ${quoteList(valid)}`;
    return whitespace
      ? {
          ja: `表示名 '${display}' の空白が ${system}#${code} の表示名と異なります（正しくは ${quoteList(valid)}）`,
          en: `Wrong whitespace in Display Name '${display}' for ${system}#${code}. ${choices}`,
        }
      : {
          ja: `表示名 '${display}' は ${system}#${code} の表示名と一致しません（正しくは ${quoteList(valid)}）`,
          en: `Wrong Display Name '${display}' for ${system}#${code}. ${choices}`,
        };
  },
};

const normalizeSpace = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Checks `coding.display` (a Coding object at `loc`) against the locally loaded code system. */
export function checkDisplay(coding: Json, loc: string, terminology: Terminology, issues: IssueCollector): void {
  const { system, code, display } = coding;
  if (typeof system !== 'string' || typeof code !== 'string' || typeof display !== 'string' || !display) return;
  if (isGrammarSystem(system)) return; // UCUM, MIME types, languages, currencies: no concept displays held
  const concept = terminology.conceptDisplays(system, code);
  if (!concept) return; // system not loaded or code unknown there: reported (or not) by the code checks
  const valid = [...new Set(concept.displays.map((d) => d.value).filter((v) => v.length > 0))];
  if (!valid.length) return;
  const lower = display.toLowerCase();
  if (valid.some((v) => v.toLowerCase() === lower)) return;
  if (JAPANESE_SCRIPT.test(display) && !concept.systemHasJapanese) return; // deliberate difference (see above)
  const spaced = normalizeSpace(lower);
  const whitespace = valid.some((v) => normalizeSpace(v.toLowerCase()) === spaced);
  issues.warning('invalid', displayMsg.wrongDisplay(display, system, code, valid, whitespace), `${loc}.display`);
}
