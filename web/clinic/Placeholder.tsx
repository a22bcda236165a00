/** A tab whose screen is still to be written: what it will do, in plain words. */
import { useI18n } from '../shared/i18n.tsx';
import type { Text } from '../shared/text.ts';

export function Placeholder({ text }: { text: Text }) {
  const { t } = useI18n();
  return (
    <div className="card">
      <p>{t(text)}</p>
      <p className="note">{t({ ja: 'この画面は準備中です。', en: 'This screen is being prepared.' })}</p>
    </div>
  );
}
