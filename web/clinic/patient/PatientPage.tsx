/**
 * The patient's page: who (name, カナ, birth date), a short nav to the sections, 資格, the shared 6 information
 * (傷病名, アレルギー, 感染症, 検査 with the trends, 処方) with their source facilities and dates, お薬の履歴 and 健診.
 * 未告知 diagnoses carry a warning; groups the server withheld (no consent here …) are said in its own words.
 * A 事務 sees 資格 only (the platform refuses them the clinical views).
 */
import { japanToday } from '../../shared/japan-time.ts';
import { ageOn } from '../reception/labels.ts';
import { type ReactNode, useMemo, useState } from 'react';
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import type { Session } from '../../shared/pkce.ts';
import type { Text } from '../../shared/text.ts';
import type { CurrentPatient } from '../current-patient.ts';
import { CheckupSection } from './CheckupSection.tsx';
import { checkupSeries } from './checkups.ts';
import { type ClinicalView, clinicalView, facilityCodes, GROUP_OF, type ItemKind, latestLabs, ofKind, withheldGroups } from './clinical.ts';
import { EligibilitySection } from './EligibilitySection.tsx';
import { useFacilityNames } from '../facility-names.ts';
import { LabTrends } from './LabTrends.tsx';
import { useRead } from './load.ts';
import { MedicationSection } from './MedicationSection.tsx';
import { type Column, Details, ItemTable, ReadView, S, Section, UninformedBadge } from './sections.tsx';
import { labTrends } from './trends.ts';

const T = {
  kana: { ja: 'カナ', en: 'Kana' },
  birth: { ja: '生年月日', en: 'Date of birth' },
  age: { ja: '歳', en: ' years' },
  gender: { ja: '性別', en: 'Sex' },
  other: { ja: '別の患者さんを開く', en: 'Open another patient' },
  reload: { ja: '再読み込み', en: 'Reload' },
  nav: { ja: 'この画面の項目', en: 'Sections of this page' },
  eligibility: { ja: '資格', en: 'Eligibility' },
  diagnoses: { ja: '傷病名', en: 'Diagnoses' },
  allergies: { ja: 'アレルギー', en: 'Allergies' },
  infections: { ja: '感染症', en: 'Infections' },
  labs: { ja: '検査', en: 'Lab results' },
  medication: { ja: '処方・お薬', en: 'Prescriptions and medication' },
  checkups: { ja: '健診', en: 'Check-ups' },
  name: { ja: '病名', en: 'Diagnosis' },
  allergen: { ja: 'アレルゲン', en: 'Allergen' },
  test: { ja: '検査項目', en: 'Test' },
  result: { ja: '結果', en: 'Result' },
  range: { ja: '基準値', en: 'Reference range' },
  noDiagnoses: { ja: '共有された傷病名はありません。', en: 'No shared diagnoses.' },
  noAllergies: { ja: '共有されたアレルギーはありません。', en: 'No shared allergies.' },
  noInfections: { ja: '共有された感染症の検査結果はありません。', en: 'No shared infection results.' },
  noLabs: { ja: '共有された検査結果はありません。', en: 'No shared lab results.' },
  latestLabs: { ja: '最新の検査結果（検査項目ごと）', en: 'Latest result of each test' },
  allLabs: { ja: 'すべての検査結果（新しい順）', en: 'All lab results (newest first)' },
  count: { ja: '件', en: ' results' },
  notShown: {
    ja: '当院で登録したものはありません。他の医療機関の情報は、同意がないなどの理由で表示していません（上の説明をご覧ください）。',
    en: 'None registered by this clinic. Other facilities’ information is not shown (see the note above).',
  },
  high: { ja: '高', en: 'high' },
  low: { ja: '低', en: 'low' },
  clerk: {
    ja: '共有された診療情報（傷病名・アレルギー・検査・お薬・健診）は医師・看護師が閲覧します。事務の職種では表示されません。',
    en: 'Shared clinical information (diagnoses, allergies, labs, medication, check-ups) is for doctors and nurses; it is not shown to clerks.',
  },
  noConsent: {
    ja: 'この医療機関での閲覧の同意がないため、他の医療機関が登録した共有情報は表示していません。',
    en: 'There is no consent for this facility, so information registered by other facilities is not shown.',
  },
  withheld: { ja: '表示していない共有情報があります。', en: 'Some shared information is not shown.' },
  reasons: { ja: '区分ごとの理由（サーバーからの説明）', en: 'Reasons by group (as the server says)' },
  more: {
    ja: '表示しきれない古い情報があります（新しい順に最大1000件を表示しています）。',
    en: 'There is older information not shown (the newest 1000 items are shown).',
  },
} satisfies Record<string, Text>;

const GENDER: Record<string, Text> = {
  male: { ja: '男性', en: 'male' },
  female: { ja: '女性', en: 'female' },
  other: { ja: 'その他', en: 'other' },
  unknown: { ja: '不明', en: 'unknown' },
};

const SECTIONS = [
  ['patient-eligibility', T.eligibility],
  ['patient-diagnoses', T.diagnoses],
  ['patient-allergies', T.allergies],
  ['patient-infections', T.infections],
  ['patient-labs', T.labs],
  ['patient-medication', T.medication],
  ['patient-checkups', T.checkups],
] as const;

/** Scrolls to a section and moves the focus to its heading (the app's address keeps the screen's #id). */
function jump(id: string) {
  const heading = document.getElementById(`${id}-title`);
  heading?.scrollIntoView({ block: 'start' });
  heading?.focus({ preventScroll: true });
}

/** The withheld groups in plain words, then the server's own. */
function Withheld({ view }: { view: ClinicalView }) {
  const { t, lang } = useI18n();
  if (!view.withheld.length) return null;
  const allNoConsent = view.withheld.every((w) => /同意がありません/.test(w.ja) || /has not consented/.test(w.en));
  return (
    <div className="notice patients-withheld" role="note">
      <p>
        <strong>{t(allNoConsent ? T.noConsent : T.withheld)}</strong>
      </p>
      <details>
        <summary>{t(T.reasons)}</summary>
        <ul>
          {view.withheld.map((w) => (
            <li key={w.ja}>{lang === 'en' ? w.en : w.ja}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

export function PatientPage({ patient, session, onOther }: { patient: CurrentPatient; session: Session; onOther: () => void }) {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  const own = session.user.facilityCode;
  const clinical = session.user.role !== 'clerk';
  const id = patient.id;
  const key = (what: string) => (clinical ? `${what}|${id}|${round}` : undefined);
  const [view, reloadView] = useRead(key('view'), async () => clinicalView(await fhir(`Patient/${encodeURIComponent(id)}/$clinical-information?_count=1000`)));
  const [checkups, reloadCheckups] = useRead(key('checkups'), async () => checkupSeries(await fhir(`Patient/${encodeURIComponent(id)}/$checkup-reports`)));
  const items = view.status === 'ok' ? view.data.items : [];
  const names = useFacilityNames(facilityCodes(items));
  const trends = useMemo(
    () =>
      labTrends(
        ofKind(view.status === 'ok' ? view.data : { items: [], withheld: [], total: 0, more: false }, 'lab'),
        checkups.status === 'ok' ? checkups.data.reports : [],
      ),
    [view, checkups],
  );
  const age = ageOn(patient.birthDate, japanToday());
  const reload = () => setRound((r) => r + 1);

  const withheld = view.status === 'ok' ? withheldGroups(view.data) : new Set<string>();
  const empty = (kind: ItemKind, text: Text): Text => (withheld.has(GROUP_OF[kind]) ? T.notShown : text);
  const labColumns: Column[] = [
    { title: T.test, header: true, cell: (i) => <span className="patients-item-name">{i.name}</span> },
    {
      title: T.result,
      cell: (i) => (
        <span className="patients-number">
          {i.value ?? '—'}
          {i.flag && <span className={`patients-flag patients-flag-${i.flag}`}>{t(i.flag === 'H' ? T.high : T.low)}</span>}
        </span>
      ),
    },
    { title: T.range, cell: (i) => i.range ?? '—' },
  ];
  const viewPart = (render: (v: ClinicalView) => ReactNode) => (
    <ReadView read={view} onRetry={reloadView}>
      {render}
    </ReadView>
  );

  return (
    <div className="patients-page">
      <div className="card patients-who">
        <div className="patients-who-name">
          <p className="patients-name" lang="ja">
            {patient.name}
            <span className="patients-honorific"> 様</span>
          </p>
          <dl className="patients-who-facts">
            {patient.kana && (
              <div>
                <dt>{t(T.kana)}</dt>
                <dd lang="ja">{patient.kana}</dd>
              </div>
            )}
            {patient.birthDate && (
              <div>
                <dt>{t(T.birth)}</dt>
                <dd>
                  {patient.birthDate.replace(/-/g, '/')}
                  {age !== undefined && `（${age}${t(T.age)}）`}
                </dd>
              </div>
            )}
            {patient.gender && GENDER[patient.gender] && (
              <div>
                <dt>{t(T.gender)}</dt>
                <dd>{t(GENDER[patient.gender])}</dd>
              </div>
            )}
          </dl>
        </div>
        <div className="row patients-who-actions">
          <button type="button" className="secondary" onClick={onOther}>
            {t(T.other)}
          </button>
          <button type="button" onClick={reload}>
            {t(T.reload)}
          </button>
        </div>
      </div>

      <nav className="patients-nav" aria-label={t(T.nav)}>
        <ul>
          {SECTIONS.filter(([sid]) => clinical || sid === 'patient-eligibility').map(([sid, title]) => (
            <li key={sid}>
              <a
                href={`#${sid}`}
                onClick={(e) => {
                  e.preventDefault();
                  jump(sid);
                }}
              >
                {t(title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <Section id="patient-eligibility" title={T.eligibility}>
        <EligibilitySection patientId={id} facilityCode={own} round={round} />
      </Section>

      {!clinical ? (
        <div className="notice" role="note">
          <p>{t(T.clerk)}</p>
        </div>
      ) : (
        <>
          {view.status === 'ok' && <Withheld view={view.data} />}
          {view.status === 'ok' && view.data.more && <p className="note">{t(T.more)}</p>}

          <Section id="patient-diagnoses" title={T.diagnoses}>
            {viewPart((v) => (
              <ItemTable
                caption={T.diagnoses}
                items={ofKind(v, 'diagnosis')}
                names={names}
                own={own}
                empty={empty('diagnosis', T.noDiagnoses)}
                columns={[
                  {
                    title: T.name,
                    header: true,
                    cell: (i) => (
                      <>
                        <span className="patients-item-name">{i.name}</span>
                        {i.uninformed && (
                          <span className="patients-uninformed-box">
                            <UninformedBadge />
                            <span className="patients-uninformed-note">{t(S.uninformedNote)}</span>
                          </span>
                        )}
                      </>
                    ),
                  },
                  { title: S.details, cell: (i) => <Details item={i} /> },
                ]}
              />
            ))}
          </Section>

          <Section id="patient-allergies" title={T.allergies}>
            {viewPart((v) => (
              <ItemTable
                caption={T.allergies}
                items={ofKind(v, 'allergy')}
                names={names}
                own={own}
                empty={empty('allergy', T.noAllergies)}
                columns={[
                  { title: T.allergen, header: true, cell: (i) => <span className="patients-item-name">{i.name}</span> },
                  { title: S.details, cell: (i) => <Details item={i} /> },
                ]}
              />
            ))}
          </Section>

          <Section id="patient-infections" title={T.infections}>
            {viewPart((v) => (
              <ItemTable
                caption={T.infections}
                items={ofKind(v, 'infection')}
                names={names}
                own={own}
                empty={empty('infection', T.noInfections)}
                columns={[
                  { title: T.test, header: true, cell: (i) => <span className="patients-item-name">{i.name}</span> },
                  { title: T.result, cell: (i) => <strong>{i.value ?? '—'}</strong> },
                ]}
              />
            ))}
          </Section>

          <Section id="patient-labs" title={T.labs}>
            {viewPart((v) => {
              const labs = ofKind(v, 'lab');
              const latest = latestLabs(labs);
              return (
                <>
                  <LabTrends trends={trends} names={names} own={own} />
                  <h3>{t(T.latestLabs)}</h3>
                  <ItemTable caption={T.latestLabs} items={latest} names={names} own={own} empty={empty('lab', T.noLabs)} columns={labColumns} />
                  {labs.length > latest.length && (
                    <details className="patients-all-labs">
                      <summary>
                        {t(T.allLabs)}（{labs.length}
                        {t(T.count)}）
                      </summary>
                      <ItemTable caption={T.allLabs} items={labs} names={names} own={own} empty={T.noLabs} columns={labColumns} />
                    </details>
                  )}
                </>
              );
            })}
          </Section>

          <Section id="patient-medication" title={T.medication}>
            <MedicationSection patientId={id} own={own} round={round} shared={view} onRetryShared={reloadView} withheld={withheld.has('medication')} />
          </Section>

          <Section id="patient-checkups" title={T.checkups}>
            <ReadView read={checkups} onRetry={reloadCheckups}>
              {(c) => <CheckupSection series={c} />}
            </ReadView>
          </Section>
        </>
      )}
    </div>
  );
}
