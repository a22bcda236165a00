/**
 * 救急時医療情報の閲覧: the person and the access (閲覧期限, reason, how identified, with 「閲覧を終了」), then what to
 * know first (alerts, strong red for antithrombotics / high-risk drugs, dialysis, allergies), the medication of the
 * last months (current drugs and risk classes highlighted), allergies, infections, diagnoses, the latest labs and
 * surgery / dialysis / transplant. Each load is one audited view; after the access ends the service answers 403 and
 * its Japanese message is shown.
 */
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { PatientLine } from '../PatientLine.tsx';
import { endEmergency, viewEmergency } from './api.ts';
import { EssentialSections } from './EssentialSections.tsx';
import { dateTime, IDENTIFIED_BY, timeLeft } from './labels.ts';
import type { Access, EssentialView } from './model.ts';

const T = {
  title: { ja: '救急時医療情報閲覧中', en: 'Emergency view open' },
  loading: { ja: '救急時に必要な情報を読み込んでいます…', en: 'Loading the essential information…' },
  until: { ja: '閲覧期限', en: 'Open until' },
  reason: { ja: '理由', en: 'Reason' },
  by: { ja: '特定方法', en: 'Identified by' },
  declared: { ja: '開始', en: 'Declared' },
  views: { ja: '閲覧回数', en: 'Views' },
  audit: {
    ja: '患者さんには救急時医療情報閲覧が行われたことが通知されます。閲覧はすべて記録（監査）され、当院の個人情報保護管理者が事後に確認します。必要がなくなったら「閲覧を終了」を押してください。',
    en: 'The patient is notified of this emergency view. Every view is recorded (audited) and reviewed afterwards by the clinic’s privacy officer. Press “End the view” when it is no longer needed.',
  },
  reload: { ja: '最新の情報に更新', en: 'Reload' },
  end: { ja: '閲覧を終了', en: 'End the view' },
  ending: { ja: '終了しています…', en: 'Ending…' },
  close: { ja: '閉じて新しく開始する', en: 'Close and start again' },
  unnamed: { ja: '（氏名の記録なし）', en: '(no name on record)' },
} satisfies Record<string, Text>;

type Load = { status: 'loading' } | { status: 'ok'; view: EssentialView } | { status: 'error'; error: unknown };

function AccessFacts({ access }: { access: Access }) {
  const { t } = useI18n();
  const left = timeLeft(access.end);
  return (
    <dl className="emergency-facts">
      <div className="emergency-until">
        <dt>{t(T.until)}</dt>
        <dd>
          <strong>{t(dateTime(access.end))}</strong>
          {left && <span className="emergency-left">（{t(left)}）</span>}
        </dd>
      </div>
      <div>
        <dt>{t(T.reason)}</dt>
        <dd>{access.reasonText ? `${access.reasonDisplay}: ${access.reasonText}` : access.reasonDisplay}</dd>
      </div>
      <div>
        <dt>{t(T.by)}</dt>
        <dd>{t(IDENTIFIED_BY[access.identifiedBy] ?? { ja: access.identifiedBy, en: access.identifiedBy })}</dd>
      </div>
      <div>
        <dt>{t(T.declared)}</dt>
        <dd>
          {t(dateTime(access.start))}
          {access.staffName ? `（${access.staffName}）` : ''}
        </dd>
      </div>
      <div>
        <dt>{t(T.views)}</dt>
        <dd>{access.views}</dd>
      </div>
    </dl>
  );
}

export function EmergencyView({ accessId, onEnded, onClose }: { accessId: string; onEnded: (a: Access) => void; onClose: () => void }) {
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<unknown>();

  const read = useCallback(async () => {
    setLoad({ status: 'loading' });
    try {
      setLoad({ status: 'ok', view: await viewEmergency(accessId) });
    } catch (error) {
      setLoad({ status: 'error', error });
    }
  }, [accessId]);

  useEffect(() => {
    void read();
  }, [read]);

  async function end() {
    setEnding(true);
    setEndError(undefined);
    try {
      onEnded(await endEmergency(accessId));
    } catch (err) {
      setEndError(err);
      setEnding(false);
    }
  }

  if (load.status === 'loading')
    return (
      <StatusMessage className="emergency-loading">
        <p>{t(T.loading)}</p>
      </StatusMessage>
    );
  if (load.status === 'error')
    return (
      <div className="emergency-closed">
        <ErrorMessage error={load.error} />
        <button type="button" onClick={onClose}>
          {t(T.close)}
        </button>
      </div>
    );
  const { view } = load;
  return (
    <>
      <section className="emergency-banner" aria-labelledby="emergency-banner-title">
        <div className="emergency-banner-head">
          <h2 id="emergency-banner-title">{t(T.title)}</h2>
          <p className="emergency-patient">{view.patient ? <PatientLine patient={view.patient} nameClass="emergency-name" /> : t(T.unnamed)}</p>
        </div>
        <AccessFacts access={view.access} />
        <p className="emergency-audit">{t(T.audit)}</p>
        {endError !== undefined && <ErrorMessage error={endError} />}
        <div className="row">
          <button type="button" className="emergency-danger" onClick={() => void end()} disabled={ending}>
            {t(T.end)}
          </button>
          <button type="button" className="secondary" onClick={() => void read()} disabled={ending}>
            {t(T.reload)}
          </button>
          <StatusMessage>{ending ? t(T.ending) : ''}</StatusMessage>
        </div>
      </section>
      <EssentialSections view={view} />
    </>
  );
}
