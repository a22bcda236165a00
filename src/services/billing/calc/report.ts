/** A calculation as readable text (the CLI's output): lines, removed items, the split and the rules with sources. */
import type { CalculationResult, VisitCase } from '../model/types.ts';

const yen = (n: number) => `${n.toLocaleString('ja-JP')} 円`;
const ENCOUNTER: Record<CalculationResult['encounter'], string> = { first: '初診', revisit: '再診', 'same-day-revisit': '同日再診', none: '診察なし' };

export function billingCaseReport(c: VisitCase, r: CalculationResult): string {
  const out = [
    `受診日 ${r.visitDate}（${ENCOUNTER[r.encounter]}）  ${c.patient.name ?? ''} ${r.copay.age}歳`,
    ...r.lines.map((l) => `  ${l.section} ${l.code} ${l.name}  ${l.points}点 × ${l.count} = ${l.total}点${l.origin === 'added' ? '（自動）' : ''}`),
    ...r.removed.map((x) => `  × ${x.code} ${x.name}: ${x.text}`),
    `合計 ${r.totalPoints.toLocaleString('ja-JP')} 点  総医療費 ${yen(r.totalYen)}`,
    ...r.copay.shares.map((s) => `  ${s.name}${s.number ? `（${s.number}）` : ''}: ${yen(s.yen)} — ${s.text}`),
    `窓口負担 ${yen(r.copay.patientYen)}${r.copay.capYen === null ? '' : `（今月の上限 ${yen(r.copay.capYen)}）`}`,
    '適用した規則:',
    ...r.rules.map((x) => `  [${x.id}] ${x.text} — ${x.source}`),
    `点数マスター: ${r.master}`,
  ];
  return out.join('\n');
}
