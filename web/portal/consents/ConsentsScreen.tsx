/**
 * 同意: the person's consents (who may see which of their information, until when), revoking one, consenting for a
 * facility or pharmacy chosen from the directory, and 閲覧保留 — holding a category at one facility or at all of them,
 * and the item holds made on the 診療情報 screen — with release.
 */
import { type FormEvent, useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { japanToday } from '../../shared/japan-time.ts';
import { StatusMessage } from '../../shared/messages.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { patientOf } from '../session.ts';
import { FacilityLabel, PortalError, ReadView, Section, useDates, useRead } from '../ui.tsx';
import { type DirectoryEntry, FacilityChoice } from './FacilityChoice.tsx';
import {
  CATEGORY_NAMES,
  type Category,
  type ConsentView,
  grantBody,
  holdGroupBody,
  type MyConsents,
  myConsentsOf,
  POLICY_NAMES,
  releaseBody,
  STATE_NAMES,
} from './model.ts';

const CATEGORIES: Category[] = ['medication', 'surgery', 'checkup'];

const T = {
  list: { ja: 'あなたの同意', en: 'Your consents' },
  listLead: {
    ja: '医療機関や薬局が、あなたの情報を見てよいとした同意です。いつでも取り消せます。',
    en: 'The facilities and pharmacies you allowed to see your information. You can revoke a consent at any time.',
  },
  none: { ja: '有効な同意はありません。', en: 'You have no consent in force.' },
  past: { ja: '終わった同意', en: 'Earlier consents' },
  until: { ja: '有効期限', en: 'Valid until' },
  given: { ja: '同意した日時', en: 'Given' },
  permit: { ja: '見てよい', en: 'allowed' },
  deny: { ja: '見せない', en: 'not allowed' },
  revoke: { ja: 'この同意を取り消す', en: 'Revoke this consent' },
  revokeConfirm: { ja: '本当に取り消しますか？', en: 'Really revoke it?' },
  revokeYes: { ja: '取り消す', en: 'Revoke' },
  cancel: { ja: 'やめる', en: 'Cancel' },
  revoked: (name: string): Text => ({ ja: `${name} への同意を取り消しました。`, en: `Your consent for ${name} was revoked.` }),
  grant: { ja: '医療機関・薬局に同意する', en: 'Consent for a facility or pharmacy' },
  grantLead: {
    ja: '選んだ医療機関・薬局が、期限まであなたの情報を見られるようになります。',
    en: 'The facility or pharmacy you choose may see your information until the date you set.',
  },
  what: { ja: '見せる情報', en: 'Information to share' },
  untilLabel: { ja: '有効期限（今日から1年以内）', en: 'Valid until (within a year from today)' },
  grantButton: { ja: '同意する', en: 'Consent' },
  grantTo: (name: string): Text => ({ ja: `${name} に同意する`, en: `Consent for ${name}` }),
  granted: (name: string): Text => ({ ja: `${name} に同意しました。`, en: `You consented for ${name}.` }),
  needFacility: { ja: '医療機関・薬局を選んでください。', en: 'Please choose a facility or pharmacy.' },
  needCategory: { ja: '見せる情報を1つ以上選んでください。', en: 'Please choose at least one kind of information.' },
  badUntil: { ja: '有効期限は今日から1年以内の日付を入力してください。', en: 'Please enter a date within a year from today.' },
  holds: { ja: '閲覧の保留', en: 'Holds on viewing' },
  holdsLead: {
    ja: '保留にすると、保留より前にした同意では、その情報が医療機関に表示されなくなります（新しく同意すれば表示されます）。',
    en: 'On hold, the information is not shown under consent given before the hold (a new consent shows it again).',
  },
  noHolds: { ja: '保留はありません。', en: 'Nothing is on hold.' },
  holdWhat: { ja: '保留する情報', en: 'Information to hold' },
  holdWhere: { ja: '保留する相手', en: 'Hold for' },
  everywhere: { ja: 'すべての医療機関・薬局', en: 'All facilities and pharmacies' },
  holdButton: { ja: '保留する', en: 'Put on hold' },
  held: { ja: '保留にしました。', en: 'Put on hold.' },
  release: { ja: '保留を解除', en: 'Release' },
  released: { ja: '保留を解除しました。', en: 'The hold was released.' },
  since: { ja: '保留した日時', en: 'Since' },
  itemHolds: { ja: '保留中の個別の情報', en: 'Items on hold' },
  itemKind: { ja: '種類', en: 'Kind' },
  allFacilities: { ja: 'すべての医療機関・薬局', en: 'all facilities and pharmacies' },
};

const ITEM_KINDS: Record<string, Text> = {
  Condition: { ja: '病名', en: 'diagnosis' },
  AllergyIntolerance: { ja: 'アレルギー', en: 'allergy' },
  Observation: { ja: '検査・感染症', en: 'test or infection' },
  MedicationRequest: { ja: '処方', en: 'prescription' },
};

const inAYear = () => {
  const d = new Date(`${japanToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 365);
  return d.toISOString().slice(0, 10);
};
const inDays = (n: number) => {
  const d = new Date(`${japanToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

type Done = { text: Text } | undefined;

function ConsentRow({ c, onRevoked }: { c: ConsentView; onRevoked: (c: ConsentView) => void }) {
  const { t } = useI18n();
  const { day, at } = useDates();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const name = c.facilityName ?? c.facilityCode ?? '—';
  async function revoke() {
    setBusy(true);
    setError(undefined);
    try {
      await fhir(`Consent/${encodeURIComponent(c.id)}/$revoke`, { method: 'POST', body: { resourceType: 'Parameters' } });
      onRevoked(c);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  }
  return (
    <li className={`portal-item portal-consent${c.state === 'active' ? '' : ' portal-ended'}`}>
      <p className="portal-item-name">
        <strong>
          <FacilityLabel code={c.facilityCode} name={c.facilityName} />
        </strong>
        {c.state && <span className={`badge portal-state-${c.state}`}>{t(STATE_NAMES[c.state])}</span>}
      </p>
      <p>
        {c.category ? t(CATEGORY_NAMES[c.category]) : '—'}: <strong>{c.decision === 'deny' ? t(T.deny) : t(T.permit)}</strong>
      </p>
      <p className="portal-sub">
        {t(T.until)}: {day(c.validTo)} · {t(T.given)}: {at(c.givenAt)}
        {c.policy && POLICY_NAMES[c.policy] && ` · ${t(POLICY_NAMES[c.policy])}`}
      </p>
      {error !== undefined && <PortalError error={error} />}
      {c.state === 'active' && c.decision !== 'deny' && (
        <p className="row">
          {asking ? (
            <>
              <span>{t(T.revokeConfirm)}</span>
              <button type="button" className="portal-danger" disabled={busy} onClick={() => void revoke()} aria-label={`${t(T.revokeYes)}: ${name}`}>
                {t(T.revokeYes)}
              </button>
              <button type="button" className="secondary" onClick={() => setAsking(false)}>
                {t(T.cancel)}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="secondary"
              onClick={() => setAsking(true)}
              aria-label={`${t(T.revoke)}: ${name} ${c.category ? t(CATEGORY_NAMES[c.category]) : ''}`}
            >
              {t(T.revoke)}
            </button>
          )}
        </p>
      )}
    </li>
  );
}

function Grant({ onDone }: { onDone: (d: Done) => void }) {
  const { t } = useI18n();
  const [facility, setFacility] = useState<DirectoryEntry>();
  const [cats, setCats] = useState<Set<Category>>(new Set(['medication', 'surgery', 'checkup']));
  const [until, setUntil] = useState(inDays(30));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Text>();
  const [error, setError] = useState<unknown>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    setError(undefined);
    if (!facility) return setProblem(T.needFacility);
    if (!cats.size) return setProblem(T.needCategory);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || until < japanToday() || until > inAYear()) return setProblem(T.badUntil);
    setBusy(true);
    try {
      await fhir('$grant-consent', {
        method: 'POST',
        body: grantBody(
          facility.code,
          CATEGORIES.filter((c) => cats.has(c)),
          until,
        ),
      });
      onDone({ text: T.granted(facility.name) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <FacilityChoice value={facility} onChange={setFacility} />
      <form onSubmit={(e) => void submit(e)} className="portal-form" noValidate>
        <fieldset>
          <legend>{t(T.what)}</legend>
          {CATEGORIES.map((c) => (
            <label key={c} className="portal-option">
              <input
                type="checkbox"
                checked={cats.has(c)}
                onChange={(e) =>
                  setCats((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(c);
                    else n.delete(c);
                    return n;
                  })
                }
              />
              <span>{t(CATEGORY_NAMES[c])}</span>
            </label>
          ))}
        </fieldset>
        <label htmlFor="grant-until">{t(T.untilLabel)}</label>
        <input id="grant-until" type="date" value={until} min={japanToday()} max={inAYear()} onChange={(e) => setUntil(e.target.value)} />
        {problem && (
          <div role="alert" className="error">
            <p>{t(problem)}</p>
          </div>
        )}
        {error !== undefined && <PortalError error={error} />}
        <p>
          <button type="submit" disabled={busy}>
            {facility ? t(T.grantTo(facility.name)) : t(T.grantButton)}
          </button>
        </p>
      </form>
    </>
  );
}

function Holds({ mine, onDone }: { mine: MyConsents; onDone: (d: Done) => void }) {
  const { t } = useI18n();
  const { at } = useDates();
  const [group, setGroup] = useState<Category>('medication');
  const [where, setWhere] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const facilities = new Map<string, string>();
  for (const c of mine.consents) if (c.facilityCode) facilities.set(c.facilityCode, c.facilityName ?? c.facilityCode);
  async function run(body: object, op: string, done: Text) {
    setBusy(true);
    setError(undefined);
    try {
      await fhir(op, { method: 'POST', body });
      onDone({ text: done });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      {mine.holds.length === 0 && mine.itemHolds.length === 0 && <p>{t(T.noHolds)}</p>}
      {mine.holds.length > 0 && (
        <ul className="portal-items" aria-label={t(T.holds)}>
          {mine.holds.map((h) => (
            <li key={h.id} className="portal-item portal-held">
              <p className="portal-item-name">
                <strong>{h.category ? t(CATEGORY_NAMES[h.category]) : '—'}</strong>
              </p>
              <p className="portal-sub">
                {h.facilityCode ? <FacilityLabel code={h.facilityCode} name={h.facilityName} /> : t(T.allFacilities)} · {t(T.since)}: {at(h.since)}
              </p>
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => void run(releaseBody(h.id), '$release-clinical-information-hold', T.released)}
              >
                {t(T.release)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {mine.itemHolds.length > 0 && (
        <>
          <h3>{t(T.itemHolds)}</h3>
          <ul className="portal-items" aria-label={t(T.itemHolds)}>
            {mine.itemHolds.map((h) => {
              const type = h.item?.split('/')[0] ?? '';
              return (
                <li key={h.id} className="portal-item portal-held">
                  <p className="portal-item-name">
                    <strong>{ITEM_KINDS[type] ? t(ITEM_KINDS[type]) : (h.kind ?? type)}</strong>
                    <span className="portal-sub">
                      {t(T.since)}: {at(h.since)}
                    </span>
                  </p>
                  <p className="note">
                    <a href="#clinical">{t({ ja: '診療情報の画面で内容を見る', en: 'See it on the medical information screen' })}</a>
                  </p>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    onClick={() => void run(releaseBody(h.id), '$release-clinical-information-hold', T.released)}
                  >
                    {t(T.release)}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <form
        className="portal-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(holdGroupBody(group, where || undefined), '$hold-clinical-information', T.held);
        }}
      >
        <label htmlFor="hold-group">{t(T.holdWhat)}</label>
        <select id="hold-group" value={group} onChange={(e) => setGroup(e.target.value as Category)}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(CATEGORY_NAMES[c])}
            </option>
          ))}
        </select>
        <label htmlFor="hold-where">{t(T.holdWhere)}</label>
        <select id="hold-where" value={where} onChange={(e) => setWhere(e.target.value)}>
          <option value="">{t(T.everywhere)}</option>
          {[...facilities].map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        {error !== undefined && <PortalError error={error} />}
        <p>
          <button type="submit" disabled={busy}>
            {t(T.holdButton)}
          </button>
        </p>
      </form>
    </>
  );
}

export default function ConsentsScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const id = patientOf(session);
  const [read, reload] = useRead(id, () => fhir('$my-consents'));
  const [done, setDone] = useState<Done>();
  const finish = (d: Done) => {
    setDone(d);
    reload();
  };
  return (
    <>
      <StatusMessage className={done ? 'success' : undefined}>{done && <p>{t(done.text)}</p>}</StatusMessage>
      <ReadView read={read} onRetry={reload}>
        {(data) => {
          const mine = myConsentsOf(data);
          const active = mine.consents.filter((c) => c.state === 'active');
          const ended = mine.consents.filter((c) => c.state !== 'active');
          return (
            <>
              <Section id="consents-list" title={T.list} lead={T.listLead}>
                {active.length === 0 ? (
                  <p>{t(T.none)}</p>
                ) : (
                  <ul className="portal-items">
                    {active.map((c) => (
                      <ConsentRow key={c.id} c={c} onRevoked={(x) => finish({ text: T.revoked(x.facilityName ?? x.facilityCode ?? '') })} />
                    ))}
                  </ul>
                )}
                {ended.length > 0 && (
                  <details className="portal-past">
                    <summary>
                      {t(T.past)}（{ended.length}）
                    </summary>
                    <ul className="portal-items">
                      {ended.map((c) => (
                        <ConsentRow key={c.id} c={c} onRevoked={() => finish(undefined)} />
                      ))}
                    </ul>
                  </details>
                )}
              </Section>
              <Section id="consents-holds" title={T.holds} lead={T.holdsLead}>
                <Holds mine={mine} onDone={finish} />
              </Section>
            </>
          );
        }}
      </ReadView>
      <Section id="consents-grant" title={T.grant} lead={T.grantLead}>
        <Grant onDone={finish} />
      </Section>
    </>
  );
}
