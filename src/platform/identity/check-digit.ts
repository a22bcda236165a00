/**
 * 検証番号 (check digit) shared by Japanese health-insurance identifiers.
 *
 * Rule, as written in the MHLW 保険者番号設定要領 and repeated in the public-expense notices
 * (e.g. 「更生医療の給付に係る公費負担者番号及び受給者番号の設定について」 社援更第26号, 1993, and the
 * Tokyo Metropolitan Government press release of 2024-10-03 correcting 88134458 → 88134457):
 *   1. multiply each body digit by 2, 1, 2, 1 … starting from the rightmost body digit;
 *   2. add the products, a two-digit product counting as the sum of its digits;
 *   3. the check digit is 10 minus the units digit of that sum, and 0 when the units digit is 0.
 * This is exactly the Luhn (mod 10) algorithm. The 10-digit 医療機関コード uses the same rule over its
 * first nine digits (都道府県番号 + 点数表番号 + 郡市区番号 + 医療機関番号); see numbers.ts for the source.
 */

/** Computes the check digit for a string of ASCII digits (the body, without the check digit). */
export function mod10Weight21(body: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    const digit = body.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) throw new RangeError(`not a digit string: ${body}`);
    const product = digit * weight;
    sum += product >= 10 ? product - 9 : product;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `digits` is the check digit of the rest. */
export function hasValidCheckDigit(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return mod10Weight21(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}
