/**
 * 会計の入力: the entry form's state, its checks (Japanese messages by field) and the visit sent to $calculate, with
 * where each sent item and diagnosis came from so that the service's refusal (`expression` = `visit.items[2].code`, …)
 * is shown next to the field the person typed. Pure, no DOM.
 */
import type { Text } from '../../shared/text.ts';
import type { EncounterChoice, VisitEntry } from './api.ts';
import type { FieldErrors } from './issues.ts';
import { indexIn } from './issues.ts';
import { COMMON_ITEMS, needsMonthlyCap } from './items.ts';

export interface ExtraItem {
  key: number;
  code: string;
  count: string;
}

export interface DiagnosisRow {
  key: number;
  name: string;
  code: string;
  main: boolean;
}

export interface CapEntry {
  /** 自己負担上限月額 (yen, as typed). */
  cap: string;
  /** 他の医療機関等で支払済みの額 (上限額管理票). */
  paid: string;
}

export interface EntryState {
  /** The checked codes of the checklist. */
  checked: string[];
  extras: ExtraItem[];
  /** HH:MM. */
  time: string;
  holiday: boolean;
  encounter: EncounterChoice;
  diagnoses: DiagnosisRow[];
  /** By 公費負担者番号. */
  caps: Record<string, CapEntry>;
  manyTimes: boolean;
}

let nextKey = 1;
export const newKey = (): number => nextKey++;

/** Now in Japan, HH:MM. */
export const japanNow = (now = Date.now()): string => new Date(now + 9 * 3_600_000).toISOString().slice(11, 16);

export const emptyEntry = (): EntryState => ({
  checked: [],
  extras: [{ key: newKey(), code: '', count: '1' }],
  time: japanNow(),
  holiday: false,
  encounter: 'auto',
  diagnoses: [{ key: newKey(), name: '', code: '', main: true }],
  caps: {},
  manyTimes: false,
});

const digits = (s: string) => s.normalize('NFKC').trim();
const wholeYen = (s: string) => /^\d{1,8}$/.test(digits(s).replace(/,/g, ''));
const yenOf = (s: string) => Number(digits(s).replace(/,/g, ''));

export interface Prepared {
  /** The visit to send, when the form passed its checks. */
  entry?: VisitEntry;
  /** The form's own refusals, by field. */
  errors: FieldErrors;
  /** The field of each sent item, in order (`item:<code>` or `extra:<key>`). */
  itemFields: string[];
  /** The field of each sent diagnosis, in order (`diag:<key>`). */
  diagFields: string[];
}

const add = (errors: FieldErrors, key: string, text: Text) => {
  errors[key] = [...(errors[key] ?? []), text];
};

/** Checks the form and builds the visit for `patientId`; `payers` are the 公費 the reception answered. */
export function prepare(state: EntryState, patientId: string, payers: string[]): Prepared {
  const errors: FieldErrors = {};
  const items: VisitEntry['items'] = [];
  const itemFields: string[] = [];
  for (const group of COMMON_ITEMS)
    for (const item of group.items)
      if (state.checked.includes(item.code)) {
        items.push({ code: item.code, count: 1 });
        itemFields.push(`item:${item.code}`);
      }
  for (const x of state.extras) {
    const code = digits(x.code);
    const count = digits(x.count) === '' ? 1 : Number(digits(x.count));
    if (code === '') continue;
    const field = `extra:${x.key}`;
    if (!/^\d{9}$/.test(code)) add(errors, field, { ja: '診療行為コードは9桁の数字で入力してください', en: 'A procedure code is 9 digits' });
    if (!Number.isInteger(count) || count < 1 || count > 99)
      add(errors, `${field}:count`, { ja: '回数は1〜99の整数で入力してください', en: 'The count is a whole number 1–99' });
    items.push({ code, count });
    itemFields.push(field);
  }
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(digits(state.time)))
    add(errors, 'time', { ja: '受付時刻は「09:30」のように時:分で入力してください', en: 'Type the time as HH:MM (e.g. 09:30)' });
  const diagnoses: VisitEntry['diagnoses'] = [];
  const diagFields: string[] = [];
  for (const d of state.diagnoses) {
    const name = d.name.normalize('NFC').trim();
    const code = digits(d.code);
    if (name === '' && code === '') continue;
    const field = `diag:${d.key}`;
    if (name === '') add(errors, field, { ja: '傷病名を入力してください', en: 'Type the diagnosis name' });
    if (code !== '' && !/^\d{7}$/.test(code))
      add(errors, `${field}:code`, { ja: '傷病名コードは7桁の数字です（分からなければ空欄）', en: 'A diagnosis code is 7 digits (or leave it empty)' });
    diagnoses.push({ name, ...(code ? { code } : {}), main: d.main });
    diagFields.push(field);
  }
  const publicExpenses: VisitEntry['publicExpenses'] = [];
  for (const payer of payers) {
    const c = state.caps[payer] ?? { cap: '', paid: '' };
    const field = `public:${payer}`;
    if (c.cap.trim() !== '' && !wholeYen(c.cap))
      add(errors, field, { ja: '自己負担上限月額は円の整数で入力してください', en: 'Type the monthly cap in whole yen' });
    if (c.paid.trim() !== '' && !wholeYen(c.paid))
      add(errors, `${field}:paid`, { ja: '支払済みの額は円の整数で入力してください', en: 'Type the amount paid in whole yen' });
    if (!needsMonthlyCap(payer) && c.cap.trim() === '' && c.paid.trim() === '') continue;
    publicExpenses.push({
      payerNumber: payer,
      ...(c.cap.trim() !== '' && wholeYen(c.cap) ? { monthlyCapYen: yenOf(c.cap) } : {}),
      ...(c.paid.trim() !== '' && wholeYen(c.paid) ? { alreadyPaidYen: yenOf(c.paid) } : {}),
    });
  }
  if (items.length === 0 && state.encounter === 'none')
    add(errors, 'general', { ja: '算定する項目がありません。診療行為を選んでください', en: 'Nothing to charge: choose an item' });
  const ok = Object.keys(errors).length === 0;
  return {
    ...(ok
      ? {
          entry: {
            patientId,
            items,
            time: digits(state.time),
            holiday: state.holiday,
            encounter: state.encounter,
            diagnoses,
            publicExpenses,
            manyTimes: state.manyTimes,
          },
        }
      : {}),
    errors,
    itemFields,
    diagFields,
  };
}

/** The form's field an expression of the service names (undefined: none of the form's: shown with the buttons). */
export function fieldOf(expression: string, prepared: Prepared, payers: string[]): string | undefined {
  const item = indexIn(expression, 'items') ?? indexIn(expression, 'item');
  if (item !== undefined) return prepared.itemFields[item];
  const diag = indexIn(expression, 'diagnoses') ?? indexIn(expression, 'diagnosis');
  if (diag !== undefined) return prepared.diagFields[diag];
  const pub = indexIn(expression, 'publicExpenses') ?? indexIn(expression, 'publicExpense');
  if (pub !== undefined) return payers[pub] ? `public:${payers[pub]}` : 'public';
  if (/(^|\.)time$/.test(expression)) return 'time';
  if (/(^|\.)holiday$/.test(expression)) return 'holiday';
  if (/(^|\.)encounter$/.test(expression)) return 'encounter';
  if (expression === 'patient') return 'patient';
  return undefined;
}
