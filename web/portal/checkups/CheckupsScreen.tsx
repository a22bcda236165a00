/**
 * 健診: the person's check-up reports as a time series — a chart for each measured item (uPlot, the clinic's chart
 * component) with the same values as a table — then every result by report; and the insurer's check-up records
 * (`$checkup-results`, from the claims side).
 */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import { type CheckupReport, checkupSeries } from '../../clinic/patient/checkups.ts';
import { CheckupSection } from '../../clinic/patient/CheckupSection.tsx';
import { arrayOf, isRecord, japanDay, showNumber } from '../../clinic/patient/format.ts';
import { TrendChart } from '../../clinic/patient/TrendChart.tsx';
import type { Trend } from '../../clinic/patient/trends.ts';
import { patientOf } from '../session.ts';
import { ReadView, Section, useDates, useRead } from '../ui.tsx';

const T = {
  trends: { ja: '健診結果の推移', en: 'Your check-ups over time' },
  trendsLead: {
    ja: '健診で測った値の移り変わりです。グラフと同じ値を下の表でも確認できます。',
    en: 'How your check-up values changed. The table under each chart has the same values.',
  },
  none: { ja: '健診の結果はまだありません。', en: 'There are no check-up results yet.' },
  all: { ja: 'すべての健診結果', en: 'All check-up results' },
  date: { ja: '受診日', en: 'Date' },
  value: { ja: '結果', en: 'Result' },
  where: { ja: '健診機関', en: 'Provider' },
  insurer: { ja: '保険者に届いた健診の記録', en: 'Check-up records held by your insurer' },
  insurerLead: {
    ja: '加入している保険者に届いた特定健診の記録です（上の結果と同じ健診のこともあります）。',
    en: 'The specific health check-ups your insurer received (often the same check-ups as above).',
  },
  noInsurer: { ja: '保険者に届いた健診の記録はありません。', en: 'Your insurer has no check-up records.' },
};

/** The analytes measured in at least two reports, as chart series (oldest first). */
function trendsOf(reports: CheckupReport[]): Trend[] {
  const byAnalyte = new Map<string, Trend>();
  for (const r of reports) {
    if (!r.date) continue;
    for (const [analyte, n] of r.numbers) {
      let t = byAnalyte.get(analyte);
      if (!t) {
        t = { key: analyte as Trend['key'], name: n.name, unit: n.unit ?? '', points: [] };
        byAnalyte.set(analyte, t);
      }
      t.points.push({ date: r.date, value: n.value, provider: r.provider, source: 'checkup' });
    }
  }
  return [...byAnalyte.values()].filter((t) => t.points.length >= 2);
}

function TrendFigure({ trend }: { trend: Trend }) {
  const { t } = useI18n();
  const { day } = useDates();
  const first = trend.points[0];
  const last = trend.points[trend.points.length - 1];
  const id = `checkup-trend-${trend.key}`;
  return (
    <figure className="portal-trend" aria-labelledby={id}>
      <figcaption id={id}>
        <strong>
          {trend.name}
          {trend.unit && `（${trend.unit}）`}
        </strong>{' '}
        <span className="portal-sub">
          {showNumber(first.value)} → {showNumber(last.value)}
        </span>
      </figcaption>
      <TrendChart trend={trend} />
      <table className="portal-table">
        <caption className="visually-hidden">{trend.name}</caption>
        <thead>
          <tr>
            <th scope="col">{t(T.date)}</th>
            <th scope="col">{t(T.value)}</th>
            <th scope="col">{t(T.where)}</th>
          </tr>
        </thead>
        <tbody>
          {[...trend.points].reverse().map((p) => (
            <tr key={p.date}>
              <th scope="row">{day(p.date)}</th>
              <td>
                {showNumber(p.value)} {trend.unit}
              </td>
              <td>{p.provider ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Reports({ data }: { data: unknown }) {
  const { t } = useI18n();
  const series = checkupSeries(data);
  if (!series.reports.length) return <p>{t(T.none)}</p>;
  const trends = trendsOf(series.reports);
  return (
    <>
      <div className="portal-trends">
        {trends.map((tr) => (
          <TrendFigure key={tr.key} trend={tr} />
        ))}
      </div>
      <h3>{t(T.all)}</h3>
      <CheckupSection series={series} />
    </>
  );
}

/** The insurer's records (Observations): one line per check-up day with how many results it holds. */
function InsurerRecords({ data }: { data: unknown }) {
  const { t } = useI18n();
  const { day } = useDates();
  const byDay = new Map<string, number>();
  for (const e of arrayOf(isRecord(data) ? data.entry : undefined)) {
    const r = isRecord(e.resource) ? e.resource : undefined;
    if (r?.resourceType !== 'Observation') continue;
    const d = japanDay(r.effectiveDateTime) ?? '';
    byDay.set(d, (byDay.get(d) ?? 0) + 1);
  }
  if (!byDay.size) return <p>{t(T.noInsurer)}</p>;
  return (
    <ul className="portal-list">
      {[...byDay]
        .sort((x, y) => y[0].localeCompare(x[0]))
        .map(([d, n]) => (
          <li key={d}>
            <strong>{day(d || undefined)}</strong>
            <span className="portal-sub">{t({ ja: `${n}項目の結果`, en: `${n} results` })}</span>
          </li>
        ))}
    </ul>
  );
}

export default function CheckupsScreen({ session }: ScreenProps) {
  const id = patientOf(session);
  const [reports, reloadReports] = useRead(id, () => fhir(`Patient/${id}/$checkup-reports`));
  const [insurer, reloadInsurer] = useRead(id, () => fhir(`Patient/${id}/$checkup-results`));
  return (
    <>
      <Section id="checkups-trends" title={T.trends} lead={T.trendsLead}>
        <ReadView read={reports} onRetry={reloadReports}>
          {(data) => <Reports data={data} />}
        </ReadView>
      </Section>
      <Section id="checkups-insurer" title={T.insurer} lead={T.insurerLead}>
        <ReadView read={insurer} onRetry={reloadInsurer}>
          {(data) => <InsurerRecords data={data} />}
        </ReadView>
      </Section>
    </>
  );
}
