/**
 * Yen rounding in integer arithmetic (no floating-point error): an amount is given as `numerator / denominator` yen.
 */

/**
 * 10円未満四捨五入 (健康保険法75条; 国民健康保険法42条2項): to 10 yen, …4 down, …5 up.
 * E.g. 2,345 × 3/10 = 703.5 → 700; 2,350 × 3/10 = 705 → 710.
 */
export function roundTo10Yen(numerator: number, denominator: number): number {
  return Math.floor((numerator + 5 * denominator) / (10 * denominator)) * 10;
}

/** 1円未満四捨五入: to the yen, half up (the 1% term of the 高額療養費 formula). */
export function roundToYen(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** 一部負担金 of a cost at `tenths` 割, rounded to 10 yen. */
export function shareOfCost(costYen: number, tenths: number): number {
  return roundTo10Yen(costYen * tenths, 10);
}
