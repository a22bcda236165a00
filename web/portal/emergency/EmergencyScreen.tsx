/** 救急時・災害時の閲覧: every access to the person's data without consent, highlighted, with what it means and whom to ask. */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { patientOf } from '../session.ts';
import { ReadView, Section, useDates, useRead } from '../ui.tsx';
import { type EmergencyAccessView, emergencyAccessesOf, IDENTIFIED_TEXT, MODE_TEXT, REVIEW_TEXT } from './model.ts';
import './emergency.css';

const T = {
  lead: {
    ja: '意識がないときや災害のときなど、あなたの同意を確かめられない場面で、医療機関・救急隊があなたの情報を見た記録です（新しい順）。',
    en: 'When your consent could not be asked (unconscious, a disaster …), facilities or ambulances looked at your information. Newest first.',
  },
  what: {
    ja: '救急時の閲覧は、命にかかわる場面で必要な情報（お薬・アレルギー・病名など）だけを、決められた時間のあいだ見られる仕組みです。閲覧はすべて記録され、医療機関があとで妥当だったか確認します。',
    en: 'The emergency view shows only what is needed (medicines, allergies, diagnoses), for a limited time. Every view is recorded and the facility reviews it afterwards.',
  },
  ask: {
    ja: '心当たりがない場合や内容がおかしいと思う場合は、その医療機関（の個人情報保護の窓口）にお問い合わせください。',
    en: 'If you do not recognise it or something looks wrong, please ask that facility (its privacy contact).',
  },
  none: { ja: '同意なしにあなたの情報が見られた記録はありません。', en: 'There is no access without your consent.' },
  who: { ja: 'だれが', en: 'Who' },
  when: { ja: 'いつ', en: 'When' },
  why: { ja: '理由', en: 'Why' },
  how: { ja: '本人の確認', en: 'Identified by' },
  until: { ja: '閲覧できる期限', en: 'Open until' },
  views: { ja: '閲覧の回数', en: 'Views' },
  review: { ja: '医療機関の確認', en: "Facility's review" },
  times: (n: number): Text => ({ ja: `${n}回`, en: `${n}` }),
  count: (n: number): Text => ({ ja: `${n}件`, en: `${n} access${n === 1 ? '' : 'es'}` }),
};

function Access({ a }: { a: EmergencyAccessView }) {
  const { t } = useI18n();
  const { at } = useDates();
  const reason = [a.reasonDisplay ?? a.reason, a.reasonText].filter(Boolean).join('：');
  return (
    <li className="portal-item portal-access-emergency emergency-access">
      <p className="portal-emergency-badge">
        <span aria-hidden="true">⚠ </span>
        {t(MODE_TEXT[a.mode])}
      </p>
      <dl className="portal-facts portal-facts-compact">
        <div>
          <dt>{t(T.who)}</dt>
          <dd>
            <strong>{a.organisation}</strong>
            {a.staffName && <span className="portal-sub">{a.staffName}</span>}
          </dd>
        </div>
        <div>
          <dt>{t(T.when)}</dt>
          <dd>{at(a.start)}</dd>
        </div>
        <div>
          <dt>{t(T.why)}</dt>
          <dd>{reason || '—'}</dd>
        </div>
        <div>
          <dt>{t(T.how)}</dt>
          <dd>{a.identifiedBy ? t(IDENTIFIED_TEXT[a.identifiedBy]) : '—'}</dd>
        </div>
        <div>
          <dt>{t(T.until)}</dt>
          <dd>{at(a.end)}</dd>
        </div>
        <div>
          <dt>{t(T.views)}</dt>
          <dd>{t(T.times(a.views))}</dd>
        </div>
        <div>
          <dt>{t(T.review)}</dt>
          <dd className={`emergency-review-${a.reviewState}`}>{t(REVIEW_TEXT[a.reviewState])}</dd>
        </div>
      </dl>
    </li>
  );
}

export default function EmergencyScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const [read, reload] = useRead(patientOf(session), () => fhir('$my-emergency-accesses'));
  return (
    <Section id="emergency-accesses" title={{ ja: '同意なしの閲覧の記録', en: 'Access without your consent' }} lead={T.lead}>
      <div className="emergency-explain">
        <p>{t(T.what)}</p>
        <p>
          <strong>{t(T.ask)}</strong>
        </p>
      </div>
      <ReadView read={read} onRetry={reload}>
        {(data) => {
          const list = emergencyAccessesOf(data);
          if (!list.length) return <p className="emergency-none">{t(T.none)}</p>;
          return (
            <>
              <p>{t(T.count(list.length))}</p>
              <ul className="portal-items">
                {list.map((a) => (
                  <Access key={a.id} a={a} />
                ))}
              </ul>
            </>
          );
        }}
      </ReadView>
    </Section>
  );
}
