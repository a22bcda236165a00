/**
 * 算定結果: the billed lines (自動 marks what the service added, with its rule), what was not billed and why, 合計点数
 * and 総医療費, who pays what — and, large, 「窓口負担額」 — then the rules applied with their sources (collapsible).
 * With the sample master, a notice that this is a trial calculation.
 */
import { type ReactNode, useId } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import type { Calculation } from './api.ts';
import { ENCOUNTER_NAMES, grouped, sectionName } from './items.ts';

const T = {
  estimate: { ja: '計算結果（試算・まだ会計していません）', en: 'Estimate (not yet charged)' },
  recorded: { ja: '会計しました', en: 'Charged' },
  visitId: { ja: '受診ID', en: 'Visit ID' },
  sample: { ja: 'サンプルマスターによる試算です（請求には使えません）', en: 'A trial with the sample fee master (not for claims)' },
  master: { ja: '点数マスター', en: 'Fee master' },
  encounter: { ja: '初診・再診', en: 'Visit type' },
  age: { ja: '年齢', en: 'Age' },
  lines: { ja: '算定した項目', en: 'Billed items' },
  section: { ja: '診療識別', en: 'Section' },
  name: { ja: '名称', en: 'Item' },
  points: { ja: '点数 × 回数', en: 'Points × times' },
  total: { ja: '小計（点）', en: 'Subtotal (points)' },
  auto: { ja: '自動', en: 'auto' },
  autoLabel: { ja: '自動で算定：{rule}', en: 'Added automatically: {rule}' },
  removed: { ja: '算定しなかった項目', en: 'Items not billed' },
  totalPoints: { ja: '合計点数', en: 'Total points' },
  totalYen: { ja: '総医療費', en: 'Total cost' },
  shares: { ja: '負担の内訳', en: 'Who pays' },
  payer: { ja: '負担者', en: 'Payer' },
  yen: { ja: '金額', en: 'Amount' },
  basis: { ja: '根拠', en: 'Basis' },
  window: { ja: '窓口負担額', en: 'Pay at the window' },
  cap: { ja: '今月の自己負担限度額：{yen}円', en: 'This month’s cap: ¥{yen}' },
  copay: { ja: '保険のみの一部負担金：{yen}円', en: 'Copay under the insurance alone: ¥{yen}' },
  rules: { ja: '適用した算定ルールと根拠（{n}件）', en: 'Rules applied and their sources ({n})' },
  source: { ja: '根拠：', en: 'Source: ' },
} satisfies Record<string, Text>;

const PAYERS: Record<string, Text> = {
  insurer: { ja: '保険者', en: 'Insurer' },
  public: { ja: '公費', en: 'Public programme' },
  local: { ja: '地方公費', en: 'Local subsidy' },
  patient: { ja: '患者', en: 'Patient' },
};

const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** Each item with a key from its content (a repeat gets #2, #3…). */
function keyed<X>(xs: X[], keyOf: (x: X) => string): { x: X; key: string }[] {
  const seen = new Map<string, number>();
  return xs.map((x) => {
    const k = keyOf(x);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return { x, key: n > 1 ? `${k}#${n}` : k };
  });
}

/** The service's master description says it is the sample. */
export const isSampleMaster = (master: string): boolean => /サンプル|sample/i.test(master);

/** `actions`: shown under the window payment (the recorded visit's receipt buttons). */
export function ResultView({ result, actions }: { result: Calculation; actions?: ReactNode }) {
  const { t } = useI18n();
  const id = useId();
  /** 「公費：難病（特定医療）」; 「保険者」 and 「患者」 alone when the service names them so. */
  const payerName = (s: Calculation['shares'][number]) => {
    const kind = t(PAYERS[s.payer] ?? { ja: s.payer, en: s.payer });
    return s.name === '' || s.name === kind || s.name === PAYERS[s.payer]?.ja ? kind : `${kind}：${s.name}`;
  };
  const ruleText = (ruleId?: string) => result.rules.find((r) => r.id === ruleId)?.text ?? ruleId ?? '';
  return (
    <section className="card billing-result" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(result.visit ? T.recorded : T.estimate)}</h2>
      {isSampleMaster(result.master) && <p className="notice billing-sample">{t(T.sample)}</p>}
      <dl className="billing-facts">
        {result.visit && (
          <div>
            <dt>{t(T.visitId)}</dt>
            <dd className="mono billing-visit-id">{result.visit}</dd>
          </div>
        )}
        <div>
          <dt>{t(T.encounter)}</dt>
          <dd>{t(ENCOUNTER_NAMES[result.encounter] ?? { ja: result.encounter, en: result.encounter })}</dd>
        </div>
        <div>
          <dt>{t(T.age)}</dt>
          <dd>{t({ ja: `${result.age}歳`, en: `${result.age}` })}</dd>
        </div>
        <div>
          <dt>{t(T.master)}</dt>
          <dd>{result.master}</dd>
        </div>
      </dl>

      <div className="billing-window">
        <p className="billing-window-label">{t(T.window)}</p>
        <p className="billing-window-yen">
          <span className="billing-patient-yen">{grouped(result.patientYen)}</span>円
        </p>
        {result.capYen !== undefined && <p className="note">{fill(t(T.cap), { yen: grouped(result.capYen) })}</p>}
        {result.insuranceCopayYen !== result.patientYen && <p className="note">{fill(t(T.copay), { yen: grouped(result.insuranceCopayYen) })}</p>}
      </div>
      {actions}

      <h3>{t(T.lines)}</h3>
      <div className="table-wrap">
        <table className="billing-lines">
          <thead>
            <tr>
              <th scope="col">{t(T.section)}</th>
              <th scope="col">{t(T.name)}</th>
              <th scope="col" className="billing-num">
                {t(T.points)}
              </th>
              <th scope="col" className="billing-num">
                {t(T.total)}
              </th>
            </tr>
          </thead>
          <tbody>
            {keyed(result.lines, (l) => `${l.code}|${l.origin}`).map(({ x: l, key }) => (
              <tr key={key} className={l.origin === 'added' ? 'billing-added' : undefined}>
                <td>
                  {l.section} {sectionName(l.section)}
                </td>
                <td>
                  {l.name} <span className="billing-code">{l.code}</span>
                  {l.origin === 'added' && (
                    <>
                      {' '}
                      <span className="badge billing-auto" title={ruleText(l.rule)} aria-hidden="true">
                        {t(T.auto)}
                      </span>
                      <span className="visually-hidden">{fill(t(T.autoLabel), { rule: ruleText(l.rule) })}</span>
                    </>
                  )}
                </td>
                <td className="billing-num">
                  {grouped(l.points)} × {l.count}
                </td>
                <td className="billing-num">{grouped(l.total)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t(T.totalPoints)}
              </th>
              <td className="billing-num billing-total-points">{grouped(result.totalPoints)}点</td>
            </tr>
            <tr>
              <th scope="row" colSpan={3}>
                {t(T.totalYen)}
              </th>
              <td className="billing-num billing-total-yen">{grouped(result.totalYen)}円</td>
            </tr>
          </tfoot>
        </table>
      </div>

      {result.removed.length > 0 && (
        <>
          <h3>{t(T.removed)}</h3>
          <ul className="billing-removed">
            {keyed(result.removed, (r) => `${r.code}|${r.rule}`).map(({ x: r, key }) => (
              <li key={key}>
                <strong>{r.name}</strong> <span className="billing-code">{r.code}</span>：{r.text}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>{t(T.shares)}</h3>
      <div className="table-wrap">
        <table className="billing-shares">
          <thead>
            <tr>
              <th scope="col">{t(T.payer)}</th>
              <th scope="col" className="billing-num">
                {t(T.yen)}
              </th>
              <th scope="col">{t(T.basis)}</th>
            </tr>
          </thead>
          <tbody>
            {keyed(result.shares, (s) => `${s.payer}|${s.number ?? ''}`).map(({ x: s, key }) => (
              <tr key={key}>
                <th scope="row">
                  {payerName(s)}
                  {s.number && <span className="billing-code">（{s.number}）</span>}
                </th>
                <td className="billing-num">{grouped(s.yen)}円</td>
                <td>{s.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <details className="billing-rules">
        <summary>{fill(t(T.rules), { n: result.rules.length })}</summary>
        <ul>
          {keyed(result.rules, (r) => r.id).map(({ x: r, key }) => (
            <li key={key}>
              {r.text}
              <br />
              <span className="note">
                {t(T.source)}
                {r.source}
              </span>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
