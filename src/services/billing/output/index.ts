/**
 * Outputs of the fee calculation (共通算定モジュール): the patient's 領収証・明細書 (HTML and PDF) and the clinic's monthly
 * レセ電 claim file, with the Shift_JIS encoder and the 和暦 dates they use.
 */
export { claimFile, claimPayerOf } from './claim/claim-file.ts';
export type { ClaimFile, ClaimInput, ClaimPayer, DrugLine } from './claim/types.ts';
export { OutputError } from './errors.ts';
export { receiptHtml } from './receipt/html.ts';
export { receiptPdf } from './receipt/pdf.ts';
export type { ReceiptOptions } from './receipt/view.ts';
export { encodeShiftJis } from './shift-jis.ts';
export { toWareki, warekiText } from './wareki.ts';
