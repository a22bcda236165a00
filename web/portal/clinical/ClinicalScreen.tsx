/**
 * 診療情報: the 6 information the facilities registered about the person (the server already leaves out what was
 * not yet told to them, 未告知) with the source facility and date, codes shown as names; each item can be put on hold
 * 「この情報を保留」 (facilities then see it only under consent given after the hold). Then the patient summaries.
 */
import { useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { Text } from '../../shared/text.ts';
import { clinicalView, facilityCodes, type ItemKind, type SharedItem } from '../../clinic/patient/clinical.ts';
import { useFacilityNames } from '../facility-names.ts';
import { holdItemBody, type ItemHoldView, myConsentsOf, releaseBody } from '../consents/model.ts';
import { topValue } from '../parts.ts';
import { patientOf } from '../session.ts';
import { FacilityLabel, PortalError, ReadView, Section, useDates, useRead } from '../ui.tsx';
import { summariesOf } from './summary.ts';

const KINDS: { kind: ItemKind; title: Text; empty: Text }[] = [
  { kind: 'diagnosis', title: { ja: '病名（傷病名）', en: 'Diagnoses' }, empty: { ja: '病名の記録はありません。', en: 'No diagnoses.' } },
  { kind: 'allergy', title: { ja: 'アレルギー', en: 'Allergies' }, empty: { ja: 'アレルギーの記録はありません。', en: 'No allergies.' } },
  { kind: 'infection', title: { ja: '感染症', en: 'Infections' }, empty: { ja: '感染症の記録はありません。', en: 'No infections.' } },
  { kind: 'lab', title: { ja: '検査の結果', en: 'Test results' }, empty: { ja: '検査の記録はありません。', en: 'No test results.' } },
  {
    kind: 'prescription',
    title: { ja: '処方（医療機関の記録）', en: 'Prescriptions (facility records)' },
    empty: { ja: '処方の記録はありません。', en: 'No prescriptions.' },
  },
];

const T = {
  lead: {
    ja: '医療機関が登録したあなたの診療情報です。医療機関は、あなたが同意したときにこの情報を見ることができます。',
    en: 'Your medical information registered by facilities. Facilities can see it when you consent.',
  },
  hold: { ja: 'この情報を保留', en: 'Hold this information' },
  held: { ja: '保留中（医療機関には表示されません）', en: 'On hold (not shown to facilities)' },
  release: { ja: '保留を解除', en: 'Release the hold' },
  holdDone: (name: string): Text => ({ ja: `「${name}」を保留にしました。`, en: `“${name}” is now on hold.` }),
  releaseDone: (name: string): Text => ({ ja: `「${name}」の保留を解除しました。`, en: `The hold on “${name}” was released.` }),
  holdHelp: {
    ja: '「保留」にすると、保留より前にした同意では医療機関に表示されなくなります。',
    en: 'On hold, an item is not shown to facilities under consent you gave before the hold.',
  },
  result: { ja: '結果', en: 'Result' },
  summary: { ja: '患者サマリー', en: 'Patient summary' },
  summaryLead: {
    ja: '入院や通院の後に医療機関がまとめた要約です。',
    en: 'Summaries facilities wrote after a stay or a course of treatment.',
  },
  noSummary: { ja: '患者サマリーはまだ登録されていません。', en: 'No patient summary has been registered yet.' },
  from: { ja: '登録した医療機関', en: 'Registered by' },
};

function ItemCard({
  item,
  names,
  hold,
  onHold,
  onRelease,
  busy,
}: {
  item: SharedItem;
  names: Map<string, string>;
  hold?: ItemHoldView;
  onHold: () => void;
  onRelease: () => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const { day } = useDates();
  return (
    <li className={`portal-item${hold ? ' portal-held' : ''}`}>
      <p className="portal-item-name">
        <strong>{item.name}</strong>
        {item.value && (
          <span className="portal-value">
            {t(T.result)}: {item.value}
            {item.flag === 'H' ? ' ↑' : item.flag === 'L' ? ' ↓' : ''}
          </span>
        )}
      </p>
      <p className="portal-sub">
        {day(item.date)} · <FacilityLabel code={item.facilityCode} names={names} />
        {item.department && ` · ${item.department}`}
      </p>
      {item.details.length > 0 && (
        <ul className="portal-details">
          {item.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {hold ? (
        <p className="row">
          <strong className="portal-flag">{t(T.held)}</strong>
          <button type="button" className="secondary" disabled={busy} onClick={onRelease}>
            {t(T.release)}
          </button>
        </p>
      ) : (
        <p>
          <button type="button" className="secondary" disabled={busy} onClick={onHold} aria-label={`${t(T.hold)}: ${item.name}`}>
            {t(T.hold)}
          </button>
        </p>
      )}
    </li>
  );
}

function SixInformation({ data, holds, onChanged }: { data: unknown; holds: ItemHoldView[]; onChanged: () => void }) {
  const { t } = useI18n();
  const view = clinicalView(data);
  const names = useFacilityNames(facilityCodes(view.items));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Text>();
  const [error, setError] = useState<unknown>();
  // What this page did, until $my-consents says so too: ref → the hold id (null: released).
  const [local, setLocal] = useState<Map<string, string | null>>(new Map());
  const holdOf = (ref: string): ItemHoldView | undefined => {
    const mine = local.get(ref);
    if (mine === null) return undefined;
    return holds.find((h) => h.item === ref) ?? (mine !== undefined ? { id: mine, item: ref } : undefined);
  };
  async function act(item: SharedItem, release?: ItemHoldView) {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      if (release) {
        await fhir('$release-clinical-information-hold', { method: 'POST', body: releaseBody(release.id) });
        setLocal((m) => new Map(m).set(item.ref, null));
      } else {
        const answer = await fhir('$hold-clinical-information', { method: 'POST', body: holdItemBody(item.ref) });
        const id = topValue(answer, 'hold');
        setLocal((m) => new Map(m).set(item.ref, typeof id === 'string' ? id : ''));
      }
      setDone(release ? T.releaseDone(item.name) : T.holdDone(item.name));
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <p className="note">{t(T.holdHelp)}</p>
      <StatusMessage className={done ? 'success' : undefined}>{done && <p>{t(done)}</p>}</StatusMessage>
      {error !== undefined && <PortalError error={error} />}
      {KINDS.map(({ kind, title, empty }) => {
        const items = view.items.filter((i) => i.kind === kind);
        return (
          <section key={kind} className="portal-group" aria-labelledby={`clinical-${kind}`}>
            <h3 id={`clinical-${kind}`}>
              {t(title)}（{items.length}）
            </h3>
            {items.length === 0 ? (
              <p>{t(empty)}</p>
            ) : (
              <ul className="portal-items">
                {items.map((i) => {
                  const hold = holdOf(i.ref);
                  return <ItemCard key={i.ref} item={i} names={names} hold={hold} busy={busy} onHold={() => void act(i)} onRelease={() => void act(i, hold)} />;
                })}
              </ul>
            )}
          </section>
        );
      })}
    </>
  );
}

function Summaries({ data }: { data: unknown }) {
  const { t } = useI18n();
  const { day } = useDates();
  const list = summariesOf(data);
  if (!list.length) return <p>{t(T.noSummary)}</p>;
  return (
    <ul className="portal-items">
      {list.map((s) => (
        <li key={s.ref} className="portal-item">
          <h3>{s.title}</h3>
          <p className="portal-sub">
            {day(s.date)}
            {s.author && ` · ${t(T.from)}: ${s.author}`}
          </p>
          {s.sections.map((x) => (
            <div key={`${x.title}-${x.text.slice(0, 20)}`}>
              {x.title && <h4>{x.title}</h4>}
              <p className="portal-pre">{x.text || '—'}</p>
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}

export default function ClinicalScreen({ session }: ScreenProps) {
  const id = patientOf(session);
  const [info, reloadInfo] = useRead(id, () => fhir(`Patient/${id}/$clinical-information?_count=1000`));
  const [consents, reloadConsents] = useRead(id, () => fhir('$my-consents'));
  const [summary, reloadSummary] = useRead(id, () => fhir(`Patient/${id}/$patient-summary`));
  const holds = consents.status === 'ok' ? myConsentsOf(consents.data).itemHolds : [];
  return (
    <>
      <Section id="clinical-items" title={{ ja: '6情報（病名・アレルギー・感染症・検査・処方）', en: 'Your medical information' }} lead={T.lead}>
        <ReadView read={info} onRetry={reloadInfo}>
          {(data) => <SixInformation data={data} holds={holds} onChanged={reloadConsents} />}
        </ReadView>
      </Section>
      <Section id="clinical-summary" title={T.summary} lead={T.summaryLead}>
        <ReadView read={summary} onRetry={reloadSummary}>
          {(data) => <Summaries data={data} />}
        </ReadView>
      </Section>
    </>
  );
}
