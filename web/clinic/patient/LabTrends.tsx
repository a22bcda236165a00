/** 検査値の推移: a chart per test (HbA1c, LDL-C, eGFR) with the same values as a table beside it. */
import { useI18n } from '../../shared/i18n.tsx';
import { FacilityName } from './sections.tsx';
import { showDay, showNumber } from './format.ts';
import type { Trend } from './trends.ts';
import { TrendChart } from './TrendChart.tsx';

const T = {
  heading: { ja: '検査値の推移', en: 'Lab trends' },
  date: { ja: '検査日', en: 'Date' },
  value: { ja: '結果', en: 'Result' },
  source: { ja: '検査した医療機関', en: 'Tested at' },
  checkup: { ja: '健診', en: 'check-up' },
  range: { ja: '基準値', en: 'Reference range' },
  legend: {
    ja: '線：検査結果　□：健診の結果　緑の帯：基準値の範囲',
    en: 'Line: lab results · square: check-up results · green band: reference range',
  },
  none: { ja: 'HbA1c・LDL-C・eGFR の結果はありません。', en: 'There are no HbA1c, LDL-C or eGFR results.' },
};

const rangeText = (t: Trend) =>
  t.low !== undefined || t.high !== undefined ? `${t.low !== undefined ? showNumber(t.low) : ''}–${t.high !== undefined ? showNumber(t.high) : ''}` : undefined;

export function LabTrends({ trends, names, own }: { trends: Trend[]; names: Map<string, string>; own?: string }) {
  const { t } = useI18n();
  if (!trends.length) return <p className="patients-empty">{t(T.none)}</p>;
  return (
    <div className="patients-trends">
      <h3>{t(T.heading)}</h3>
      <p className="note">{t(T.legend)}</p>
      {trends.map((trend) => {
        const range = rangeText(trend);
        const first = trend.points[0];
        const last = trend.points[trend.points.length - 1];
        return (
          <figure key={trend.key} className="patients-trend" aria-labelledby={`trend-${trend.key}`}>
            <figcaption id={`trend-${trend.key}`}>
              <strong>
                {trend.name}（{trend.unit}）
              </strong>
              {trend.points.length > 1 && (
                <span className="patients-trend-change">
                  {showNumber(first.value)} → {showNumber(last.value)}
                </span>
              )}
              {range && (
                <span className="patients-sub">
                  {t(T.range)} {range}
                </span>
              )}
            </figcaption>
            <div className="patients-trend-body">
              <TrendChart trend={trend} />
              <div className="patients-trend-table">
                <table>
                  <caption className="visually-hidden">
                    {trend.name}（{trend.unit}）
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t(T.date)}</th>
                      <th scope="col">{t(T.value)}</th>
                      <th scope="col">{t(T.source)}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...trend.points].reverse().map((p) => (
                      <tr key={`${p.date}-${p.source}-${p.value}`}>
                        <th scope="row" className="patients-nowrap">
                          {showDay(p.date)}
                        </th>
                        <td className="patients-number">{showNumber(p.value)}</td>
                        <td>
                          {p.source === 'checkup' ? (
                            `${t(T.checkup)}${p.provider ? `（${p.provider}）` : ''}`
                          ) : (
                            <FacilityName code={p.facilityCode} names={names} own={own} />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          </figure>
        );
      })}
    </div>
  );
}
