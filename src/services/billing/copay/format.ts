/** 金額の表示: 1234567 → "1,234,567". */
export function yen(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An amount given in tenths of a yen: 7035 → "703.5", 600000 → "60,000". */
export function yenTenths(tenths: number): string {
  const whole = Math.floor(tenths / 10);
  const rest = tenths % 10;
  return rest === 0 ? yen(whole) : `${yen(whole)}.${rest}`;
}
