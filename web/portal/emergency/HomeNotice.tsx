/** The home screen's notice: accesses without consent in the last 30 days, with a link to 救急時・災害時の閲覧. */
import { fhir } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { EmergencyBanner } from '../access/banner.tsx';
import { useRead } from '../ui.tsx';
import { emergencyAccessesOf, recentAccesses } from './model.ts';

/** Falls back to the access log's banner when there is no recent access (or the list cannot be read). */
export function EmergencyHomeNotice({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const [read] = useRead(patientId, () => fhir('$my-emergency-accesses'));
  if (read.status === 'loading') return null;
  const recent = read.status === 'ok' ? recentAccesses(emergencyAccessesOf(read.data), Date.now()) : [];
  if (!recent.length) return <EmergencyBanner patientId={patientId} />;
  const n = recent.length;
  return (
    <div className="portal-emergency emergency-home-notice" role="alert">
      <p>
        <strong>
          {t({
            ja: `この30日間に、同意なしの閲覧が${n}件ありました`,
            en: `${n} access${n === 1 ? '' : 'es'} without your consent in the last 30 days`,
          })}
        </strong>
      </p>
      <p>
        {t({
          ja: '救急や災害の場面で、あなたの同意を確かめずに情報が閲覧されました。だれが・いつ・なぜ見たかをご確認ください。',
          en: 'Your information was viewed in an emergency or disaster without your consent. Please check who, when and why.',
        })}
      </p>
      <a className="button portal-emergency-link" href="#emergency">
        {t({ ja: '救急時・災害時の閲覧を確認する', en: 'Review emergency accesses' })}
      </a>
    </div>
  );
}
