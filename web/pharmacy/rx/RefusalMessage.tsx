/** A refusal of the service, announced: what happened and what to do (refusals.ts). */
import { useI18n } from '../../shared/i18n.tsx';
import { refusalOf } from './refusals.ts';

export function RefusalMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  const r = refusalOf(error);
  return (
    <div role="alert" className="error pharmacy-refusal">
      <p className="pharmacy-refusal-title">{t(r.title)}</p>
      <p>{t(r.text)}</p>
      {r.advice && <p className="pharmacy-advice">{t(r.advice)}</p>}
    </div>
  );
}
