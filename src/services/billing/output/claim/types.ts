/** The input and output of the レセ電 claim file (レセプト電算処理システム 請求ファイル, 医科). */
import type { CalculationResult, FacilityInput, FeeLine, VisitCase } from '../../model/types.ts';

/** 審査支払機関: 社会保険診療報酬支払基金 (社保) or 国民健康保険団体連合会 (国保). */
export type ClaimPayer = 'shaho' | 'kokuho';

export interface ClaimInput {
  facility: FacilityInput & { /** 電話番号 (IR, optional). */ phone?: string };
  /** 診療年月 YYYY-MM: every visit must fall in it. */
  month: string;
  payer: ClaimPayer;
  visits: { visitCase: VisitCase; result: CalculationResult }[];
  /** 請求年月 YYYY-MM (default: the month after `month`). */
  claimMonth?: string;
}

export interface ClaimFile {
  /** The records, each ending CRLF (without the EOF mark). */
  text: string;
  /** `text` in Shift_JIS followed by the EOF mark 0x1A. */
  bytes: Uint8Array;
  /** 総件数 (RE records). */
  receipts: number;
  /** 総合計点数 (the sum of the HO — or, 公費単独, the first KO — 合計点数). */
  totalPoints: number;
  /** What was written differently from the input (a name in its everyday form), for the clinic to check. */
  notes: string[];
}

/** A drug line (医薬品, code 6…): the IY record needs its 使用量, which FeeLine does not carry yet. */
export type DrugLine = FeeLine & { /** 使用量. */ quantity?: number };
