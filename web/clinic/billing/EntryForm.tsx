/**
 * 会計の入力: the checklist of common items (初診・再診 and 判断料 are automatic), any other 診療行為コード with a count,
 * the reception time, 休日, 初診/再診, 傷病名 and — for a 公費 whose recipient certificate states one — the
 * 自己負担上限月額. Each field shows its own errors (the form's and the service's) right below it.
 */
import { useId } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import type { EncounterChoice } from './api.ts';
import { type CapEntry, type EntryState, newKey } from './entry.ts';
import { FieldError, invalidProps } from './FieldError.tsx';
import type { FieldErrors } from './issues.ts';
import { COMMON_ITEMS, needsMonthlyCap } from './items.ts';

const T = {
  title: { ja: '会計の入力', en: 'What was done' },
  automatic: {
    ja: '初診料・再診料、時間外・休日・深夜などの加算、検査の判断料は自動で算定します（入力は不要です）。',
    en: 'The first-visit / revisit fee, the time additions and the test judgement fees are added automatically.',
  },
  common: { ja: 'よく使う診療行為', en: 'Common items' },
  other: { ja: 'その他の診療行為（コードで入力）', en: 'Other items (by code)' },
  code: { ja: '診療行為コード（9桁・{n}行目）', en: 'Procedure code (9 digits, row {n})' },
  count: { ja: '回数（{n}行目）', en: 'Times (row {n})' },
  removeRow: { ja: '{n}行目を削除', en: 'Remove row {n}' },
  addRow: { ja: 'コード入力の行を追加', en: 'Add a code row' },
  visit: { ja: '受診', en: 'The visit' },
  time: { ja: '受付時刻（時:分）', en: 'Reception time (HH:MM)' },
  holiday: { ja: '休日（日曜日・12月29日〜1月3日は自動で休日になります）', en: 'Holiday (Sundays and 29 Dec – 3 Jan count automatically)' },
  manyTimes: { ja: '多数回該当（高額療養費）', en: 'Many-times reduction (high-cost care)' },
  encounter: { ja: '初診・再診', en: 'First visit or revisit' },
  diagnoses: { ja: '傷病名', en: 'Diagnoses' },
  diagName: { ja: '傷病名（{n}）', en: 'Diagnosis ({n})' },
  diagCode: { ja: '傷病名コード（{n}・7桁・任意）', en: 'Diagnosis code ({n}, 7 digits, optional)' },
  main: { ja: '主傷病（{n}）', en: 'Main diagnosis ({n})' },
  removeDiag: { ja: '傷病名（{n}）を削除', en: 'Remove diagnosis {n}' },
  addDiag: { ja: '傷病名を追加', en: 'Add a diagnosis' },
  publics: { ja: '公費（受付で確認した受給者証）', en: 'Public programmes (from reception)' },
  payer: { ja: '公費負担者番号 {payer}', en: 'Public payer {payer}' },
  cap: { ja: '自己負担上限月額（円・{payer}）', en: 'Monthly cap in yen ({payer})' },
  paid: { ja: '今月すでに支払った額（上限額管理票・円・{payer}）', en: 'Already paid this month (yen, {payer})' },
  capNote: {
    ja: '受給者証の「自己負担上限月額」と、上限額管理票に記載された今月の支払済みの額を入力してください。',
    en: 'Type the monthly cap on the recipient certificate and what the 上限額管理票 shows as paid this month.',
  },
  noCap: { ja: 'この公費は上限額の入力が不要です。', en: 'This programme needs no cap.' },
} satisfies Record<string, Text>;

const ENCOUNTERS: { value: EncounterChoice; label: Text }[] = [
  { value: 'auto', label: { ja: '自動（前回の受診から判定）', en: 'Automatic (from the last visit)' } },
  { value: 'first', label: { ja: '初診', en: 'First visit' } },
  { value: 'revisit', label: { ja: '再診', en: 'Revisit' } },
  { value: 'none', label: { ja: '算定しない', en: 'None' } },
];

const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

export function EntryForm({
  value,
  onChange,
  errors,
  payers,
}: {
  value: EntryState;
  onChange: (next: EntryState) => void;
  errors: FieldErrors;
  /** 公費負担者番号 the reception answered. */
  payers: string[];
}) {
  const { t } = useI18n();
  const id = useId();
  const set = (patch: Partial<EntryState>) => onChange({ ...value, ...patch });
  const toggle = (code: string, on: boolean) => set({ checked: on ? [...value.checked, code] : value.checked.filter((c) => c !== code) });
  const setCap = (payer: string, patch: Partial<CapEntry>) =>
    set({ caps: { ...value.caps, [payer]: { ...(value.caps[payer] ?? { cap: '', paid: '' }), ...patch } } });
  const err = (key: string) => errors[key];
  const errId = (key: string) => `${id}-err-${key.replace(/[^A-Za-z0-9]/g, '-')}`;

  return (
    <section className="card billing-entry" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(T.title)}</h2>
      <p className="notice">{t(T.automatic)}</p>

      <fieldset className="billing-fieldset">
        <legend>{t(T.common)}</legend>
        <div className="billing-groups">
          {COMMON_ITEMS.map((g) => (
            <fieldset key={g.title.ja} className="billing-group">
              <legend>{t(g.title)}</legend>
              <ul className="billing-checks">
                {g.items.map((item) => {
                  const key = `item:${item.code}`;
                  return (
                    <li key={item.code}>
                      <label className="billing-check">
                        <input
                          type="checkbox"
                          checked={value.checked.includes(item.code)}
                          onChange={(e) => toggle(item.code, e.target.checked)}
                          {...invalidProps(errId(key), err(key))}
                        />{' '}
                        {item.name} <span className="billing-code">{item.code}</span>
                      </label>
                      <FieldError id={errId(key)} errors={err(key)} />
                    </li>
                  );
                })}
              </ul>
            </fieldset>
          ))}
        </div>
      </fieldset>

      <fieldset className="billing-fieldset">
        <legend>{t(T.other)}</legend>
        <ol className="billing-rows">
          {value.extras.map((x, i) => {
            const n = i + 1;
            const key = `extra:${x.key}`;
            const update = (patch: Partial<typeof x>) => set({ extras: value.extras.map((y) => (y.key === x.key ? { ...y, ...patch } : y)) });
            return (
              <li key={x.key} className="billing-row">
                <div className="billing-field">
                  <label htmlFor={`${id}-code-${x.key}`}>{fill(t(T.code), { n })}</label>
                  <input
                    id={`${id}-code-${x.key}`}
                    inputMode="numeric"
                    autoComplete="off"
                    className="billing-code-input"
                    value={x.code}
                    onChange={(e) => update({ code: e.target.value })}
                    {...invalidProps(errId(key), err(key))}
                  />
                </div>
                <div className="billing-field">
                  <label htmlFor={`${id}-count-${x.key}`}>{fill(t(T.count), { n })}</label>
                  <input
                    id={`${id}-count-${x.key}`}
                    inputMode="numeric"
                    className="billing-count-input"
                    value={x.count}
                    onChange={(e) => update({ count: e.target.value })}
                    {...invalidProps(errId(`${key}:count`), err(`${key}:count`))}
                  />
                </div>
                {value.extras.length > 1 && (
                  <button type="button" className="secondary" onClick={() => set({ extras: value.extras.filter((y) => y.key !== x.key) })}>
                    {fill(t(T.removeRow), { n })}
                  </button>
                )}
                <div className="billing-row-errors">
                  <FieldError id={errId(key)} errors={err(key)} />
                  <FieldError id={errId(`${key}:count`)} errors={err(`${key}:count`)} />
                </div>
              </li>
            );
          })}
        </ol>
        <button type="button" className="secondary" onClick={() => set({ extras: [...value.extras, { key: newKey(), code: '', count: '1' }] })}>
          {t(T.addRow)}
        </button>
      </fieldset>

      <fieldset className="billing-fieldset">
        <legend>{t(T.visit)}</legend>
        <div className="billing-visit-grid">
          <div className="billing-field">
            <label htmlFor={`${id}-time`}>{t(T.time)}</label>
            <input
              id={`${id}-time`}
              type="time"
              value={value.time}
              onChange={(e) => set({ time: e.target.value })}
              {...invalidProps(errId('time'), err('time'))}
            />
            <FieldError id={errId('time')} errors={err('time')} />
          </div>
          <div className="billing-field">
            <label className="billing-check">
              <input
                type="checkbox"
                checked={value.holiday}
                onChange={(e) => set({ holiday: e.target.checked })}
                {...invalidProps(errId('holiday'), err('holiday'))}
              />{' '}
              {t(T.holiday)}
            </label>
            <FieldError id={errId('holiday')} errors={err('holiday')} />
            <label className="billing-check">
              <input type="checkbox" checked={value.manyTimes} onChange={(e) => set({ manyTimes: e.target.checked })} /> {t(T.manyTimes)}
            </label>
          </div>
          <fieldset className="billing-group">
            <legend>{t(T.encounter)}</legend>
            {ENCOUNTERS.map((c) => (
              <label key={c.value} className="billing-check">
                <input
                  type="radio"
                  name={`${id}-encounter`}
                  value={c.value}
                  checked={value.encounter === c.value}
                  onChange={() => set({ encounter: c.value })}
                />{' '}
                {t(c.label)}
              </label>
            ))}
            <FieldError id={errId('encounter')} errors={err('encounter')} />
          </fieldset>
        </div>
      </fieldset>

      <fieldset className="billing-fieldset">
        <legend>{t(T.diagnoses)}</legend>
        <ol className="billing-rows">
          {value.diagnoses.map((d, i) => {
            const n = i + 1;
            const key = `diag:${d.key}`;
            const update = (patch: Partial<typeof d>) => set({ diagnoses: value.diagnoses.map((y) => (y.key === d.key ? { ...y, ...patch } : y)) });
            return (
              <li key={d.key} className="billing-row">
                <div className="billing-field billing-wide">
                  <label htmlFor={`${id}-dname-${d.key}`}>{fill(t(T.diagName), { n })}</label>
                  <input
                    id={`${id}-dname-${d.key}`}
                    value={d.name}
                    onChange={(e) => update({ name: e.target.value })}
                    {...invalidProps(errId(key), err(key))}
                  />
                </div>
                <div className="billing-field">
                  <label htmlFor={`${id}-dcode-${d.key}`}>{fill(t(T.diagCode), { n })}</label>
                  <input
                    id={`${id}-dcode-${d.key}`}
                    inputMode="numeric"
                    className="billing-code-input"
                    value={d.code}
                    onChange={(e) => update({ code: e.target.value })}
                    {...invalidProps(errId(`${key}:code`), err(`${key}:code`))}
                  />
                </div>
                <label className="billing-check">
                  <input type="checkbox" checked={d.main} onChange={(e) => update({ main: e.target.checked })} /> {fill(t(T.main), { n })}
                </label>
                {value.diagnoses.length > 1 && (
                  <button type="button" className="secondary" onClick={() => set({ diagnoses: value.diagnoses.filter((y) => y.key !== d.key) })}>
                    {fill(t(T.removeDiag), { n })}
                  </button>
                )}
                <div className="billing-row-errors">
                  <FieldError id={errId(key)} errors={err(key)} />
                  <FieldError id={errId(`${key}:code`)} errors={err(`${key}:code`)} />
                </div>
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="secondary"
          onClick={() => set({ diagnoses: [...value.diagnoses, { key: newKey(), name: '', code: '', main: false }] })}
        >
          {t(T.addDiag)}
        </button>
      </fieldset>

      {(payers.length > 0 || err('public')) && (
        <fieldset className="billing-fieldset">
          <legend>{t(T.publics)}</legend>
          {payers.some(needsMonthlyCap) && <p className="note">{t(T.capNote)}</p>}
          <FieldError id={errId('public')} errors={err('public')} />
          <ul className="billing-rows">
            {payers.map((payer) => {
              const key = `public:${payer}`;
              const c = value.caps[payer] ?? { cap: '', paid: '' };
              return (
                <li key={payer} className="billing-row">
                  <p className="billing-payer">{fill(t(T.payer), { payer })}</p>
                  {needsMonthlyCap(payer) ? (
                    <>
                      <div className="billing-field">
                        <label htmlFor={`${id}-cap-${payer}`}>{fill(t(T.cap), { payer })}</label>
                        <input
                          id={`${id}-cap-${payer}`}
                          inputMode="numeric"
                          value={c.cap}
                          onChange={(e) => setCap(payer, { cap: e.target.value })}
                          {...invalidProps(errId(key), err(key))}
                        />
                      </div>
                      <div className="billing-field">
                        <label htmlFor={`${id}-paid-${payer}`}>{fill(t(T.paid), { payer })}</label>
                        <input
                          id={`${id}-paid-${payer}`}
                          inputMode="numeric"
                          value={c.paid}
                          onChange={(e) => setCap(payer, { paid: e.target.value })}
                          {...invalidProps(errId(`${key}:paid`), err(`${key}:paid`))}
                        />
                      </div>
                    </>
                  ) : (
                    <p className="note">{t(T.noCap)}</p>
                  )}
                  <div className="billing-row-errors">
                    <FieldError id={errId(key)} errors={err(key)} />
                    <FieldError id={errId(`${key}:paid`)} errors={err(`${key}:paid`)} />
                  </div>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
    </section>
  );
}
