/**
 * What the pharmacy is told when the service refuses: each case in plain Japanese (and English) with what to do —
 * the numbers match no prescription (404 alike for every mismatch), another pharmacy holds it (409), too many failed
 * tries (429), cancelled, dispensed, expired, no consent (403), and the network or service down.
 */
import { ApiError, MESSAGES, textOf } from '../../shared/errors.ts';
import type { Text } from '../../shared/text.ts';

export interface Refusal {
  title: Text;
  text: Text;
  advice?: Text;
}

const NO_MATCH: Refusal = {
  title: { ja: '処方箋が見つかりません', en: 'No prescription found' },
  text: {
    ja: '入力された引換番号・被保険者番号・生年月日に一致する処方箋はありません。',
    en: 'No prescription matches the exchange number, insured number and date of birth entered.',
  },
  advice: {
    ja: '引換番号（処方内容の控え）、被保険者番号（保険者番号・記号・番号・枝番）、生年月日を患者さんと一緒にもう一度ご確認ください。どれか一つでも違うと見つかりません。',
    en: 'Check the exchange number (on the patient’s copy), the insured number (insurer, symbol, number, branch) and the date of birth with the patient. Any one wrong and nothing is found.',
  },
};

const ELSEWHERE: Refusal = {
  title: { ja: '他の薬局で受付済みです', en: 'Accepted by another pharmacy' },
  text: {
    ja: 'この処方箋は、すでに他の薬局が受け付けて対応中のため、この薬局では受け付けられません。',
    en: 'Another pharmacy has accepted this prescription and is handling it, so it cannot be accepted here.',
  },
  advice: {
    ja: '患者さんから、受け付けた薬局に「受付の取消し」を依頼していただければ、この薬局で受け付けられるようになります。',
    en: 'The patient can ask that pharmacy to release it; it can then be accepted here.',
  },
};

const THROTTLED: Refusal = {
  title: { ja: '取得の失敗が続いたため、一時的に取得できません', en: 'Retrieval is paused after too many failures' },
  text: {
    ja: '引換番号による取得の失敗が1時間に10回を超えました。番号の推測を防ぐため、しばらくの間取得できません。',
    en: 'More than 10 retrievals by exchange number failed within an hour. To prevent guessing, retrieval is paused for a while.',
  },
  advice: {
    ja: 'しばらく待ってから、番号と生年月日を確かめてもう一度お試しください。急ぐ場合はマイナンバーカード（同意あり）で取得できます。',
    en: 'Wait a while and try again with the checked numbers; or use the patient’s My Number card (with consent).',
  },
};

const NETWORK: Refusal = {
  title: { ja: '電子処方箋管理サービスに接続できません', en: 'Cannot reach the e-prescription service' },
  text: MESSAGES.network,
  advice: {
    ja: 'ネットワークの接続を確かめてから、もう一度お試しください。続く場合は紙の処方箋または控えで対応してください。',
    en: 'Check the network connection and try again. If it persists, work from the paper prescription or the patient’s copy.',
  },
};

const UNAVAILABLE: Refusal = {
  title: { ja: '電子処方箋管理サービスが一時的に利用できません', en: 'The e-prescription service is unavailable' },
  text: MESSAGES.unavailable,
};

const contains = (t: Text, s: string) => t.ja.includes(s);

/** The refusal to show for an error of a pharmacy operation. */
export function refusalOf(err: unknown): Refusal {
  if (!(err instanceof ApiError)) return { title: { ja: 'エラー', en: 'Error' }, text: textOf(err) };
  const text = err.text;
  if (err.status === 0) return NETWORK;
  if (err.status === 503 || err.status === 502 || err.status === 504) return UNAVAILABLE;
  if (err.status === 429) return THROTTLED;
  if (err.status === 404 && contains(text, '引換番号')) return NO_MATCH;
  if (err.status === 409 && contains(text, '他の薬局で受付済み')) return ELSEWHERE;
  if (err.status === 409 && contains(text, '取り消されています'))
    return {
      title: { ja: '取り消された処方箋です', en: 'The prescription was cancelled' },
      text,
      advice: { ja: '処方した医療機関にご確認ください。', en: 'Please check with the prescribing facility.' },
    };
  if (err.status === 409 && contains(text, '使用期限'))
    return {
      title: { ja: '使用期限を過ぎた処方箋です', en: 'The prescription has expired' },
      text,
      advice: {
        ja: '調剤できません。患者さんに、処方した医療機関で処方箋を再発行してもらうようご案内ください。',
        en: 'It cannot be dispensed. Ask the patient to have the prescribing facility issue it again.',
      },
    };
  if (err.status === 409 && contains(text, '調剤済み')) return { title: { ja: '調剤済みの処方箋です', en: 'Already dispensed' }, text };
  if (err.status === 403 && contains(text, '同意')) return { title: { ja: '患者さんの同意がありません', en: 'No consent of the patient' }, text };
  if (err.status === 403) return { title: { ja: 'この操作はできません', en: 'Not allowed' }, text };
  if (err.status === 422) return { title: { ja: '内容に誤りがあります', en: 'The content was refused' }, text: issuesText(err) ?? text };
  return { title: { ja: '処理できませんでした', en: 'Could not be done' }, text };
}

/** Every issue of a 422 (the service lists all problems at once). */
function issuesText(err: ApiError): Text | undefined {
  const issues = ((err.body as { issue?: { details?: { text?: string }; diagnostics?: string }[] } | undefined)?.issue ?? []).filter(
    (i) => i.details?.text || i.diagnostics,
  );
  if (issues.length < 2) return undefined;
  return {
    ja: issues.map((i) => i.details?.text ?? i.diagnostics).join('／'),
    en: issues.map((i) => i.diagnostics ?? i.details?.text).join(' / '),
  };
}
