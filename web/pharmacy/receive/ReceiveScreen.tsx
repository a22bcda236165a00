/**
 * 受付 (the pharmacy's counter), loaded when the tab is first shown: the prescription retrieved by 引換番号 + 被保険者番号
 * + 生年月日, or by the patient's My Number card with their consent; then the prescription in full with its alerts,
 * 受付, 調剤 and the receipt (rx/PrescriptionFlow.tsx).
 */
import { useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { ScreenProps } from '../../shared/screens.ts';
import type { ExchangeBasis } from '../rx/api.ts';
import type { Prescription } from '../rx/model.ts';
import { PrescriptionFlow } from '../rx/PrescriptionFlow.tsx';
import '../rx/pharmacy.css';
import { CardRoute } from './CardRoute.tsx';
import { ExchangeForm } from './ExchangeForm.tsx';

const T = {
  route: { ja: '受付の方法', en: 'How to receive' },
  exchange: { ja: '引換番号（処方内容の控え）', en: 'Exchange number (the patient’s copy)' },
  card: { ja: 'マイナンバーカード（同意あり）', en: 'My Number card (with consent)' },
  found: { ja: '取得した処方箋', en: 'Prescriptions retrieved' },
  none: {
    ja: 'この患者さんの受付できる処方箋はありません（調剤済み・取消・他の薬局で受付済みのものは表示されません）。',
    en: 'This patient has no prescription to accept here (dispensed, cancelled and those held by another pharmacy are not shown).',
  },
  next: { ja: '次の患者さんを受け付ける', en: 'Next patient' },
};

type Found = { prescriptions: Prescription[]; basis?: ExchangeBasis; key: number };

export default function ReceiveScreen({ session }: ScreenProps) {
  const { t } = useI18n();
  const [route, setRoute] = useState<'exchange' | 'card'>('exchange');
  const [found, setFound] = useState<Found>();

  if (found)
    return (
      <div className="pharmacy">
        <h2 className="visually-hidden">{t(T.found)}</h2>
        {found.prescriptions.length === 0 && <p className="notice">{t(T.none)}</p>}
        {found.prescriptions.map((p) => (
          <PrescriptionFlow key={`${found.key}-${p.id}`} session={session} initial={p} basis={found.basis} />
        ))}
        <button type="button" className="secondary" onClick={() => setFound(undefined)}>
          {t(T.next)}
        </button>
      </div>
    );

  return (
    <div className="pharmacy">
      <fieldset className="pharmacy-route">
        <legend>{t(T.route)}</legend>
        {(['exchange', 'card'] as const).map((r) => (
          <label key={r} className={route === r ? 'pharmacy-route-option pharmacy-route-chosen' : 'pharmacy-route-option'}>
            <input type="radio" name="pharmacy-route" value={r} checked={route === r} onChange={() => setRoute(r)} />
            {t(r === 'exchange' ? T.exchange : T.card)}
          </label>
        ))}
      </fieldset>
      {route === 'exchange' ? (
        <ExchangeForm onFound={(prescriptions, basis) => setFound({ prescriptions, basis, key: Date.now() })} />
      ) : (
        <CardRoute session={session} onFound={(prescriptions) => setFound({ prescriptions, key: Date.now() })} />
      )}
    </div>
  );
}
