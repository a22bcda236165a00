/** 健診: the check-up reports as a time series — one column per report (oldest left), one row per item. */
import { useI18n } from '../../shared/i18n.tsx';
import type { CheckupSeries } from './checkups.ts';
import { showDay } from './format.ts';

const T = {
  none: { ja: '表示できる健診結果はありません。', en: 'There are no check-up results to show.' },
  item: { ja: '項目', en: 'Item' },
  caption: { ja: '健診結果の推移（古い順）', en: 'Check-up results over time (oldest first)' },
  reports: { ja: '件の健診結果', en: ' check-up reports' },
  withheld: { ja: '表示していない健診結果があります。', en: 'Some check-up results are not shown.' },
  noConsent: {
    ja: 'この医療機関での健診情報の閲覧の同意がないため、他の健診機関の結果は表示していません。',
    en: 'There is no consent for this facility to view check-up information, so other providers’ reports are not shown.',
  },
};

export function CheckupSection({ series }: { series: CheckupSeries }) {
  const { t, lang } = useI18n();
  const noConsent = series.withheld.length > 0 && series.withheld.every((w) => /同意がありません/.test(w.ja) || /has not consented/.test(w.en));
  return (
    <>
      {series.withheld.length > 0 && (
        <div className="notice" role="note">
          <p>
            <strong>{t(noConsent ? T.noConsent : T.withheld)}</strong>
          </p>
          {!noConsent && (
            <ul>
              {series.withheld.map((w) => (
                <li key={w.ja}>{lang === 'en' ? w.en : w.ja}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {series.reports.length === 0 ? (
        <p className="patients-empty">{t(T.none)}</p>
      ) : (
        <>
          <p>
            {series.reports.length}
            {t(T.reports)}
          </p>
          {/* biome-ignore lint/a11y/useSemanticElements: a scrolling table's frame, not a page region of its own */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must take the keyboard (axe scrollable-region-focusable) */}
          <div className="table-wrap patients-checkups" role="region" aria-label={t(T.caption)} tabIndex={0}>
            <table>
              <caption className="visually-hidden">{t(T.caption)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(T.item)}</th>
                  {series.reports.map((r) => (
                    <th scope="col" key={r.ref}>
                      <span className="patients-nowrap">{showDay(r.date)}</span>
                      <span className="patients-sub">{r.kind}</span>
                      {r.provider && <span className="patients-sub">{r.provider}</span>}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {series.items.map((item) => (
                  <tr key={item}>
                    <th scope="row">{item}</th>
                    {series.reports.map((r) => (
                      <td key={r.ref} className="patients-number">
                        {r.results.get(item) ?? '—'}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
