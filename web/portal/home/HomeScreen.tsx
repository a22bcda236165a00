/**
 * ホーム / 資格: the emergency-access banner, then the person's own eligibility — the insurer and its number,
 * 記号・番号・枝番, 負担割合, the 限度額適用区分 explained, 高齢受給者 and 公費 — and earlier insurance.
 */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { japanToday } from '../../shared/japan-time.ts';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { copayText, insuranceScheme, LIMIT_EXPLANATIONS, printedInsurerNumber, publicProgramme, RELATIONSHIP } from '../../clinic/reception/labels.ts';
import { EmergencyHomeNotice } from '../emergency/HomeNotice.tsx';
import { patientOf } from '../session.ts';
import { ReadView, Section, useDates, useRead } from '../ui.tsx';
import { type CoverageView, coveragesOf } from './coverage.ts';

const T = {
  hello: (name: string): Text => ({ ja: `${name} さん、ようこそ`, en: `Welcome, ${name}` }),
  intro: {
    ja: 'ご自身の保険の資格、お薬、診療情報、健診の結果と、誰があなたの情報を見たかを確認できます。',
    en: 'See your insurance, medicines, medical information and check-ups, and who looked at your information.',
  },
  eligibility: { ja: '保険の資格', en: 'Your insurance' },
  current: { ja: '現在の保険', en: 'Current insurance' },
  past: { ja: '以前の保険', en: 'Earlier insurance' },
  none: { ja: '保険の資格の記録がありません。', en: 'There is no insurance record.' },
  insurer: { ja: '保険者', en: 'Insurer' },
  insurerNumber: { ja: '保険者番号', en: 'Insurer number' },
  numbers: { ja: '記号・番号・枝番', en: 'Symbol, number, branch' },
  who: { ja: '本人・家族', en: 'Insured or dependant' },
  copay: { ja: '窓口での負担割合', en: 'Your share of costs' },
  copayWords: (n: number): Text => ({ ja: `医療費の${n}割をお支払いいただきます`, en: `You pay ${n * 10}% of medical costs` }),
  limit: { ja: '限度額適用区分', en: 'High-cost limit category' },
  elderly: { ja: '高齢受給者', en: 'Elderly recipient (70–74)' },
  elderlyWords: (n: number | undefined): Text => ({
    ja: `70〜74歳の方の負担割合です${n !== undefined ? `（${n}割）` : ''}。`,
    en: `The share of costs for people aged 70 to 74${n !== undefined ? ` (${n * 10}%)` : ''}.`,
  }),
  publicExpense: { ja: '公費（医療費の助成）', en: 'Public medical subsidies' },
  payer: { ja: '公費負担者番号', en: 'Payer number' },
  recipient: { ja: '受給者番号', en: 'Recipient number' },
  period: { ja: '有効期間', en: 'Valid' },
  from: (d: string): Text => ({ ja: `${d}から`, en: `from ${d}` }),
  range: (a: string, b: string): Text => ({ ja: `${a}〜${b}`, en: `${a} – ${b}` }),
  own: {
    ja: '記号・番号はご本人にだけ表示しています。他の人に見せないでください。',
    en: 'Your insurance numbers are shown to you only. Please do not show them to others.',
  },
} as const;

function useInsurerName(ref: string | undefined): string | undefined {
  const [read] = useRead(ref, () => fhir<{ name?: string }>(ref ?? ''));
  return read.status === 'ok' && typeof read.data?.name === 'string' ? read.data.name : undefined;
}

function CoverageCard({ c }: { c: CoverageView }) {
  const { t } = useI18n();
  const { day } = useDates();
  const insurer = useInsurerName(c.insurerRef);
  const period = c.to ? t(T.range(day(c.from), day(c.to))) : c.from ? t(T.from(day(c.from))) : '—';
  const limitText = c.limit ? LIMIT_EXPLANATIONS[c.limit.code] : undefined;
  return (
    <div className={`portal-coverage${c.current ? ' portal-current' : ''}`}>
      <dl className="portal-facts">
        <div>
          <dt>{t(T.insurer)}</dt>
          <dd>{insurer ?? (c.insurerNumber ? t(insuranceScheme(c.insurerNumber)) : '—')}</dd>
        </div>
        <div>
          <dt>{t(T.insurerNumber)}</dt>
          <dd className="portal-number">{c.insurerNumber ? printedInsurerNumber(c.insurerNumber) : '—'}</dd>
        </div>
        <div>
          <dt>{t(T.numbers)}</dt>
          <dd className="portal-number">{[c.symbol, c.number, c.branch].filter(Boolean).join('・') || '—'}</dd>
        </div>
        {c.relationship && (
          <div>
            <dt>{t(T.who)}</dt>
            <dd>{t(RELATIONSHIP[c.relationship])}</dd>
          </div>
        )}
        <div>
          <dt>{t(T.copay)}</dt>
          <dd>
            <strong className="portal-big">{t(copayText(c.elderly?.copay ?? c.copay))}</strong>
            {(c.elderly?.copay ?? c.copay) !== undefined && <span className="portal-sub">{t(T.copayWords((c.elderly?.copay ?? c.copay) as number))}</span>}
          </dd>
        </div>
        {c.limit && (
          <div>
            <dt>{t(T.limit)}</dt>
            <dd>
              <strong>{c.limit.name ?? c.limit.code}</strong>
              {limitText && <span className="portal-sub">{t(limitText)}</span>}
            </dd>
          </div>
        )}
        {c.elderly && (
          <div>
            <dt>{t(T.elderly)}</dt>
            <dd>
              {t(T.elderlyWords(c.elderly.copay))}
              {c.elderly.from && <span className="portal-sub">{t(T.from(day(c.elderly.from)))}</span>}
            </dd>
          </div>
        )}
        <div>
          <dt>{t(T.period)}</dt>
          <dd>{period}</dd>
        </div>
      </dl>
      {c.publicExpenses.length > 0 && (
        <>
          <h4>{t(T.publicExpense)}</h4>
          <ul className="portal-list">
            {c.publicExpenses.map((p) => (
              <li key={`${p.payer}-${p.recipient}`}>
                <strong>{t(publicProgramme(p.payer))}</strong>
                <span className="portal-sub">
                  {t(T.payer)} <span className="portal-number">{p.payer}</span>
                  {p.recipient && (
                    <>
                      {' '}
                      · {t(T.recipient)} <span className="portal-number">{p.recipient}</span>
                    </>
                  )}
                </span>
                {p.from && <span className="portal-sub">{p.to ? t(T.range(day(p.from), day(p.to))) : t(T.from(day(p.from)))}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export default function HomeScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const patientId = patientOf(session);
  const [read, reload] = useRead(patientId, () => fhir(`Patient/${patientId}/$eligibility-history`));
  return (
    <>
      <EmergencyHomeNotice patientId={patientId} />
      <p className="portal-hello">{t(T.hello(session.user.name))}</p>
      <p>{t(T.intro)}</p>
      <Section id="home-eligibility" title={T.eligibility}>
        <ReadView read={read} onRetry={reload}>
          {(data) => {
            const all = coveragesOf(data, japanToday());
            const current = all.filter((c) => c.current);
            const past = all.filter((c) => !c.current);
            if (!all.length) return <p>{t(T.none)}</p>;
            return (
              <>
                <p className="note">{t(T.own)}</p>
                {current.length > 0 && <h3>{t(T.current)}</h3>}
                {current.map((c) => (
                  <CoverageCard key={c.id} c={c} />
                ))}
                {past.length > 0 && (
                  <details className="portal-past">
                    <summary>
                      {t(T.past)}（{past.length}）
                    </summary>
                    {past.map((c) => (
                      <CoverageCard key={c.id} c={c} />
                    ))}
                  </details>
                )}
              </>
            );
          }}
        </ReadView>
      </Section>
    </>
  );
}
