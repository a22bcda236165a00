/**
 * アクセス記録: every access to the person's data by anyone else — which facility (and which staff role) looked at
 * what, when, on which basis; emergency access in red at the top and on its row; refused accesses said as such.
 */
import { useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { patientOf } from '../session.ts';
import { FacilityLabel, ReadView, Section, useDates, useRead } from '../ui.tsx';
import { japanDay, japanTime } from '../../shared/japan-time.ts';
import { ACTION_NAMES, type AccessGroup, type AccessView, accessLogOf, BASIS_NAMES, CLIENT_NAMES, groupAccesses, ROLE_NAMES, whatText } from './model.ts';

const T = {
  lead: {
    ja: 'あなたの情報を、いつ・どこが・何を・どんな根拠で見たかの記録です（新しい順）。ご自身の閲覧は含みません。',
    en: 'When, who, what and on which basis others looked at your information (newest first). Your own views are not listed.',
  },
  none: { ja: 'ほかの人があなたの情報を見た記録はありません。', en: 'Nobody else has looked at your information.' },
  emergency: (n: number): Text => ({
    ja: `救急時の閲覧が${n}件あります`,
    en: `${n} emergency access${n === 1 ? '' : 'es'}`,
  }),
  emergencyNote: {
    ja: '救急の場面では、意識がないときなど、同意の確認なしに医療機関があなたの情報を見ることがあります。心当たりがない場合は、その医療機関にお問い合わせください。',
    en: 'In an emergency (e.g. when you are unconscious) a facility may look at your information without your consent. If you do not recognise it, please ask that facility.',
  },
  emergencyBadge: { ja: '救急時の閲覧', en: 'Emergency access' },
  disasterBadge: { ja: '災害時の閲覧', en: 'Disaster access' },
  refused: { ja: '拒否されました（情報は見られていません）', en: 'Refused (nothing was shown)' },
  when: { ja: '日時', en: 'When' },
  who: { ja: 'だれが', en: 'Who' },
  what: { ja: '何を', en: 'What' },
  basis: { ja: '根拠', en: 'Basis' },
  from: { ja: '期間の始め', en: 'From' },
  show: { ja: '表示する', en: 'Show' },
  times: (n: number): Text => ({ ja: `${n}回`, en: `${n} times` }),
  count: (n: number): Text => ({ ja: `${n}件`, en: `${n} record${n === 1 ? '' : 's'}` }),
};

function Who({ a }: { a: AccessView }) {
  const { t } = useI18n();
  const role = a.staffRole ? (ROLE_NAMES[a.staffRole] ? t(ROLE_NAMES[a.staffRole]) : a.staffRole) : undefined;
  const kind = a.clientKind && CLIENT_NAMES[a.clientKind] ? t(CLIENT_NAMES[a.clientKind]) : a.clientKind;
  return (
    <>
      <strong>{a.facilityName || a.facilityCode ? <FacilityLabel code={a.facilityCode} name={a.facilityName} /> : (kind ?? '—')}</strong>
      {(role || a.staffName) && <span className="portal-sub">{[role, a.staffName].filter(Boolean).join(' · ')}</span>}
    </>
  );
}

function Row({ group }: { group: AccessGroup }) {
  const { t } = useI18n();
  const { at } = useDates();
  const a = group.first;
  const disaster = a.basis === 'disaster';
  const basis = disaster ? BASIS_NAMES.disaster : a.emergency ? BASIS_NAMES.emergency : a.basis ? BASIS_NAMES[a.basis] : undefined;
  return (
    <li className={`portal-item portal-access${a.emergency ? ' portal-access-emergency' : ''}${a.outcome === 'refused' ? ' portal-access-refused' : ''}`}>
      {a.emergency && (
        <p className="portal-emergency-badge">
          <span aria-hidden="true">⚠ </span>
          {t(disaster ? T.disasterBadge : T.emergencyBadge)}
        </p>
      )}
      <p className="portal-sub">
        <span className="visually-hidden">{t(T.when)}: </span>
        {at(a.at)}
        {group.count > 1 && `（${japanTime(group.last.at)}〜${japanTime(a.at)}・${t(T.times(group.count))}）`}
      </p>
      <p className="portal-item-name">
        <span className="visually-hidden">{t(T.who)}: </span>
        <Who a={a} />
      </p>
      <p>
        <span className="portal-label">{t(T.what)}:</span> {t(whatText(a))}
        {a.action && ACTION_NAMES[a.action] && `（${t(ACTION_NAMES[a.action])}）`}
      </p>
      <p>
        <span className="portal-label">{t(T.basis)}:</span> {basis ? t(basis) : (a.basis ?? '—')}
      </p>
      {a.outcome === 'refused' && <p className="portal-refused">{t(T.refused)}</p>}
    </li>
  );
}

export default function AccessScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const id = patientOf(session);
  const [from, setFrom] = useState('');
  const [query, setQuery] = useState('');
  const [read, reload] = useRead(`${id}|${query}`, () => fhir(`$access-log?${new URLSearchParams({ count: '1000', ...(query ? { from: query } : {}) })}`));
  return (
    <Section id="access-log" title={{ ja: 'あなたの情報を見た記録', en: 'Who looked at your information' }} lead={T.lead}>
      <form
        className="row portal-filter"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(from);
        }}
      >
        <label htmlFor="access-from">{t(T.from)}</label>
        <input id="access-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <button type="submit" className="secondary">
          {t(T.show)}
        </button>
      </form>
      <ReadView read={read} onRetry={reload}>
        {(data) => {
          const log = accessLogOf(data);
          return (
            <>
              {log.emergencyCount > 0 && (
                <div className="portal-emergency" role="alert">
                  <p>
                    <strong>{t(T.emergency(log.emergencyCount))}</strong>
                  </p>
                  <p>{t(T.emergencyNote)}</p>
                </div>
              )}
              {log.accesses.length === 0 ? (
                <p>{t(T.none)}</p>
              ) : (
                <>
                  <p>{t(T.count(log.accesses.length))}</p>
                  <ul className="portal-items">
                    {groupAccesses(log.accesses, japanDay).map((g, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: audit entries carry no id; the list is replaced whole
                      <Row key={`${g.first.at}-${i}`} group={g} />
                    ))}
                  </ul>
                </>
              )}
            </>
          );
        }}
      </ReadView>
    </Section>
  );
}
