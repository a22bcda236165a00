/**
 * Checks of what the desk enters, before anything is sent (pure, no DOM): the card file, the PIN, and the numbers of
 * a 資格確認書 or 保険証 with the birth date — in the shapes the eligibility service accepts (NFKC: full-width digits
 * count as digits), each problem as a Japanese and English message for its field.
 */
import type { Text } from '../../shared/text.ts';
import type { InsuranceQuery } from './parameters.ts';

export const CARD_FILE_FORMAT = 'tsunagu-virtual-card/1';
/** Card files are a few kilobytes; anything much larger is not one. */
export const MAX_CARD_FILE_BYTES = 256 * 1024;

export type CardFileCheck = { ok: true; card: Record<string, unknown>; cardId: string } | { ok: false; text: Text };

/** The text of a chosen file as a virtual My Number card file. */
export function checkCardFile(text: string): CardFileCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      ok: false,
      text: {
        ja: 'このファイルはマイナンバーカード（仮想）のファイルではありません（JSON として読めません）。',
        en: 'This is not a virtual My Number card file (it is not JSON).',
      },
    };
  }
  const c = parsed as Record<string, unknown>;
  if (typeof c !== 'object' || c === null || Array.isArray(c) || c.format !== CARD_FILE_FORMAT || typeof c.cardId !== 'string') {
    return {
      ok: false,
      text: {
        ja: 'このファイルはマイナンバーカード（仮想）のファイルではありません。発行されたカードのファイルを選んでください。',
        en: 'This is not a virtual My Number card file. Choose the card file that was issued.',
      },
    };
  }
  return { ok: true, card: c, cardId: c.cardId };
}

/** The PIN as digits (full-width digits accepted), or the problem. */
export function checkPin(pin: string): { ok: true; pin: string } | { ok: false; text: Text } {
  const p = pin.normalize('NFKC').trim();
  if (p === '') return { ok: false, text: { ja: '暗証番号（数字4桁）を入力してください。', en: 'Enter the 4-digit PIN.' } };
  if (!/^\d{4}$/.test(p)) return { ok: false, text: { ja: '暗証番号は数字4桁です。', en: 'The PIN is four digits.' } };
  return { ok: true, pin: p };
}

/** 検証番号 (the Luhn rule of 保険者番号 and 公費負担者番号) of a digit string's body. */
export function checkDigitOf(body: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    const product = (body.charCodeAt(i) - 48) * weight;
    sum += product >= 10 ? product - 9 : product;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

export type InsuranceField = 'insurerNumber' | 'symbol' | 'number' | 'branch' | 'birthDate';
export type InsuranceForm = Omit<InsuranceQuery, 'source'> & { source: InsuranceQuery['source'] };
export type InsuranceCheck = { ok: true; query: InsuranceQuery } | { ok: false; problems: Partial<Record<InsuranceField, Text>> };

const nfkc = (s: string) => s.normalize('NFKC').trim();
const MAX_TEXT = 20;

function cardText(value: string, what: Text, required: boolean): Text | undefined {
  if (value === '') return required ? { ja: `${what.ja}を入力してください。`, en: `Enter the ${what.en}.` } : undefined;
  if ([...value].length > MAX_TEXT) return { ja: `${what.ja}は${MAX_TEXT}文字までです。`, en: `The ${what.en} has at most ${MAX_TEXT} characters.` };
  if (/[:\s\p{Cc}]/u.test(value)) return { ja: `${what.ja}に空白や「:」は入れないでください。`, en: `The ${what.en} must not contain spaces or ":".` };
  return undefined;
}

/** A real calendar date YYYY-MM-DD. */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The 資格確認書 / 保険証 form, normalised (NFKC, 枝番 two digits), or a message for each bad field. */
export function checkInsuranceForm(form: InsuranceForm, today: string): InsuranceCheck {
  const problems: Partial<Record<InsuranceField, Text>> = {};
  const insurer = nfkc(form.insurerNumber);
  if (insurer === '') problems.insurerNumber = { ja: '保険者番号を入力してください。', en: 'Enter the insurer number.' };
  else if (!/^\d+$/.test(insurer)) problems.insurerNumber = { ja: '保険者番号は数字だけで入力してください。', en: 'The insurer number is digits only.' };
  else if (insurer.length !== 6 && insurer.length !== 8)
    problems.insurerNumber = {
      ja: `保険者番号は8桁（国民健康保険は6桁）です（入力は${insurer.length}桁）。`,
      en: `The insurer number has 8 digits (6 for national health insurance); ${insurer.length} were entered.`,
    };
  else {
    const printed = insurer.length === 8 && insurer.startsWith('00') ? insurer.slice(2) : insurer;
    if (checkDigitOf(printed.slice(0, -1)) !== Number(printed.slice(-1)))
      problems.insurerNumber = {
        ja: '保険者番号に誤りがあります（最後の検証番号が合いません）。券面の番号をもう一度ご確認ください。',
        en: 'The insurer number is wrong (its check digit does not match). Check the number on the card.',
      };
  }
  const symbol = nfkc(form.symbol);
  const symbolProblem = cardText(symbol, { ja: '記号', en: 'symbol' }, false);
  if (symbolProblem) problems.symbol = symbolProblem;
  const number = nfkc(form.number);
  const numberProblem = cardText(number, { ja: '番号', en: 'number' }, true);
  if (numberProblem) problems.number = numberProblem;
  const branch = nfkc(form.branch);
  if (branch !== '' && !/^\d{1,2}$/.test(branch)) problems.branch = { ja: '枝番は数字2桁です（例：01）。', en: 'The branch number is two digits (e.g. 01).' };
  const birthDate = form.birthDate.trim();
  if (birthDate === '') problems.birthDate = { ja: '生年月日を入力してください。', en: 'Enter the date of birth.' };
  else if (!isDate(birthDate)) problems.birthDate = { ja: '生年月日が正しい日付ではありません。', en: 'The date of birth is not a valid date.' };
  else if (birthDate > today) problems.birthDate = { ja: '生年月日が未来の日付になっています。', en: 'The date of birth is in the future.' };
  else if (birthDate < '1900-01-01')
    problems.birthDate = { ja: '生年月日をご確認ください（1900年より前です）。', en: 'Check the date of birth (before 1900).' };
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return {
    ok: true,
    query: { source: form.source, insurerNumber: insurer, symbol, number, branch: branch === '' ? '' : branch.padStart(2, '0'), birthDate },
  };
}

export { japanToday } from '../../shared/japan-time.ts';
