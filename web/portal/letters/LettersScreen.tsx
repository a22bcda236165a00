/**
 * 紹介状: only that a referral letter or discharge summary about the person was sent — from whom, to whom, when —
 * never its content (the national rule: the letter is between the facilities).
 */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { flatParts, str } from '../parts.ts';
import { patientOf } from '../session.ts';
import { FacilityLabel, ReadView, Section, useDates, useRead } from '../ui.tsx';

const T = {
  rule: {
    ja: '紹介状と退院時サマリーは医療機関どうしでやり取りする文書のため、国のルールにより、ここでは送られた事実だけを表示し、内容は表示しません。',
    en: 'Referral letters and discharge summaries pass between facilities; by the national rule only the fact that one was sent is shown here, never its content.',
  },
  none: { ja: 'あなたについて送られた紹介状・退院時サマリーはありません。', en: 'No referral letter or discharge summary about you has been sent.' },
  from: { ja: '送った医療機関', en: 'From' },
  to: { ja: '送り先', en: 'To' },
  sent: { ja: '送った日時', en: 'Sent' },
  state: { ja: '状態', en: 'Status' },
};

const KINDS: Record<string, Text> = {
  referral: { ja: '紹介状（診療情報提供書）', en: 'Referral letter' },
  'discharge-summary': { ja: '退院時サマリー', en: 'Discharge summary' },
};

const STATES: Record<string, Text> = {
  sent: { ja: '送付済み', en: 'sent' },
  received: { ja: '受け取り済み', en: 'received' },
  acknowledged: { ja: '受け取り済み', en: 'received' },
  read: { ja: '受け取り済み', en: 'received' },
  withdrawn: { ja: '取り下げ', en: 'withdrawn' },
  erased: { ja: '保存期間の経過により削除', en: 'erased after its retention period' },
};

export default function LettersScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const { at } = useDates();
  const id = patientOf(session);
  const [read, reload] = useRead(id, () => fhir('$my-letters'));
  return (
    <Section id="letters-list" title={{ ja: '送られた紹介状・退院時サマリー', en: 'Letters sent about you' }}>
      <p className="notice">{t(T.rule)}</p>
      <ReadView read={read} onRetry={reload}>
        {(data) => {
          const letters = flatParts(data, 'letter');
          if (!letters.length) return <p>{t(T.none)}</p>;
          return (
            <ul className="portal-items">
              {letters.map((l, i) => {
                const kind = str(l.kind);
                const state = str(l.state);
                return (
                  <li key={str(l.id) ?? i} className="portal-item">
                    <p className="portal-item-name">
                      <strong>{kind && KINDS[kind] ? t(KINDS[kind]) : (kind ?? '—')}</strong>
                      {state && <span className="badge">{STATES[state] ? t(STATES[state]) : state}</span>}
                    </p>
                    <dl className="portal-facts portal-facts-compact">
                      <div>
                        <dt>{t(T.from)}</dt>
                        <dd>
                          <FacilityLabel code={str(l.senderCode)} name={str(l.senderName)} />
                        </dd>
                      </div>
                      <div>
                        <dt>{t(T.to)}</dt>
                        <dd>
                          <FacilityLabel code={str(l.addresseeCode)} name={str(l.addresseeName)} />
                        </dd>
                      </div>
                      <div>
                        <dt>{t(T.sent)}</dt>
                        <dd>{at(str(l.sentAt))}</dd>
                      </div>
                    </dl>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </ReadView>
    </Section>
  );
}
