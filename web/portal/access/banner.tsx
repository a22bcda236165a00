/** 救急時の閲覧: a red banner impossible to miss when anyone looked at the person's data in an emergency. */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { topValue } from '../parts.ts';
import { useRead } from '../ui.tsx';

export function EmergencyBanner({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const [read] = useRead(patientId, () => fhir('$access-log?count=1000'));
  if (read.status !== 'ok') return null;
  const count = topValue(read.data, 'emergencyCount');
  if (typeof count !== 'number' || count < 1) return null;
  return (
    <div className="portal-emergency" role="alert">
      <p>
        <strong>
          {t({
            ja: `救急時の閲覧が${count}件あります`,
            en: `There ${count === 1 ? 'is 1 emergency access' : `are ${count} emergency accesses`} to your information`,
          })}
        </strong>
      </p>
      <p>
        {t({
          ja: '救急の場面で、同意の確認なしにあなたの情報が閲覧されました。内容をご確認ください。',
          en: 'Your information was viewed in an emergency without your consent being checked. Please review it.',
        })}
      </p>
      <a className="button portal-emergency-link" href="#access">
        {t({ ja: 'アクセス記録を確認する', en: 'Review the access log' })}
      </a>
    </div>
  );
}
