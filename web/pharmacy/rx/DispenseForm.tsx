/**
 * 調剤: per line what is handed over — the prescribed product or, where the line allows it, another brand of the same
 * generic from the master ($substitutes: 代替調剤 / 後発医薬品への変更; a 一般名処方 line takes any brand of it) — and
 * the quantity (at most what is left; less leaves the rest for later: 分割調剤, or ends the use when ticked). Registers
 * the result ($dispense-prescription), or corrects a registered one ($correct-dispensing).
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import { type Brand, correctDispensing, type DispenseAnswer, dispense, type HandedOver, substitutes } from './api.ts';
import { quantityText } from './labels.ts';
import type { Line, Prescription } from './model.ts';
import { RefusalMessage } from './RefusalMessage.tsx';

const T = {
  title: { ja: '調剤内容', en: 'What is handed over' },
  correctTitle: { ja: '調剤結果の訂正', en: 'Correct the dispensing result' },
  lead: {
    ja: '薬ごとに、お渡しする薬剤と数量を確認してください。後発品変更不可でなければ、同じ成分・剤形・規格の別銘柄（後発医薬品など）に変更できます。',
    en: 'For each drug, check the product and quantity handed over. Unless substitution is forbidden, another brand of the same ingredient, form and strength (e.g. a generic) may be given.',
  },
  brand: { ja: 'お渡しする薬剤', en: 'Product handed over' },
  quantity: { ja: '数量', en: 'Quantity' },
  fixed: { ja: '後発品変更不可のため、処方どおりの薬剤です。', en: 'Substitution is forbidden: as prescribed.' },
  loading: { ja: '同じ成分の薬剤を探しています…', en: 'Looking up brands of the same generic…' },
  prescribedMark: { ja: '（処方どおり）', en: ' (as prescribed)' },
  substituted: { ja: '別銘柄に変更して調剤します（代替調剤）', en: 'Another brand is dispensed (substitution)' },
  chooseBrand: { ja: '一般名処方です。お渡しする銘柄を選んでください。', en: 'Prescribed by generic name: choose the brand handed over.' },
  complete: { ja: '残りは調剤せず、この回の調剤を終える', en: 'End this use without dispensing the rest' },
  partial: {
    ja: '処方量より少ない薬があります。残りは後で調剤できます（分割調剤）。',
    en: 'Some drugs are less than prescribed: the rest can be dispensed later (split dispensing).',
  },
  submit: { ja: '調剤結果を登録する', en: 'Register the dispensing result' },
  submitCorrect: { ja: '訂正を登録する', en: 'Register the correction' },
  busy: { ja: '登録しています…', en: 'Registering…' },
  cancel: { ja: 'やめる', en: 'Cancel' },
  nothing: { ja: '数量を1つ以上入力してください。', en: 'Enter at least one quantity.' },
} satisfies Record<string, Text>;

interface Choice {
  brand?: string;
  quantity: string;
}

const brandKey = (b: { system: string; code: string }) => `${b.system}|${b.code}`;

function quantityProblem(value: string, max: number): Text | undefined {
  const v = value.normalize('NFKC').trim();
  if (v === '') return { ja: '数量を入力してください（調剤しない薬は 0）。', en: 'Enter the quantity (0 for a drug not given).' };
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) return { ja: '数量は0以上の数です。', en: 'The quantity is a number of 0 or more.' };
  if (n > max + 1e-9) return { ja: `処方の残り（${quantityText(max)}）を超えています。`, en: `More than is left to dispense (${quantityText(max)}).` };
  return undefined;
}

export function DispenseForm({
  p,
  correcting,
  onDone,
  onCancel,
}: {
  p: Prescription;
  /** Correcting a registered result: its id and the lines it gave. */
  correcting?: { dispensing: string; lines: { prescriptionLine: number; system: string; code: string; quantity: number }[] };
  onDone: (answer: DispenseAnswer, lines: HandedOver[]) => void;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [brands, setBrands] = useState<Record<number, Brand[]>>({});
  const [choices, setChoices] = useState<Record<number, Choice>>(() =>
    Object.fromEntries(
      p.lines.map((l) => {
        const given = correcting?.lines.find((x) => x.prescriptionLine === l.line);
        return [
          l.line,
          {
            brand: given ? brandKey(given) : l.generic ? undefined : brandKey(l),
            quantity: quantityText(given ? given.quantity : correcting ? 0 : l.remaining),
          },
        ];
      }),
    ),
  );
  const [problems, setProblems] = useState<Record<number, Text>>({});
  const [complete, setComplete] = useState(false);
  const [formProblem, setFormProblem] = useState<Text>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let live = true;
    for (const l of p.lines) {
      if (l.substitution === '1' && !l.generic) continue;
      substitutes(l.system, l.code).then(
        (s) => {
          if (!live) return;
          setBrands((prev) => ({ ...prev, [l.line]: s.brands }));
          if (l.generic && s.brands[0])
            setChoices((prev) => (prev[l.line]?.brand ? prev : { ...prev, [l.line]: { ...prev[l.line], brand: brandKey(s.brands[0]) } }));
        },
        () => {
          if (live) setBrands((prev) => ({ ...prev, [l.line]: [] }));
        },
      );
    }
    return () => {
      live = false;
    };
  }, [p.lines]);

  /** The most each line may take now: what is left (for a correction, the whole line). */
  const max = (l: Line) => (correcting ? l.quantity : l.remaining);

  function handedOver(): HandedOver[] {
    return p.lines.flatMap((l) => {
      const c = choices[l.line];
      const n = Number(c.quantity.normalize('NFKC').trim());
      if (!(n > 0)) return [];
      const b = (brands[l.line] ?? []).find((x) => brandKey(x) === c.brand);
      const same = !l.generic && c.brand === brandKey(l);
      return [
        {
          system: same ? l.system : (b?.system ?? l.system),
          code: same ? l.code : (b?.code ?? l.code),
          name: same ? l.name : (b?.name ?? l.name),
          unit: l.unit,
          quantity: n,
          substituted: !same && !l.generic,
        },
      ];
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    const found: Record<number, Text> = {};
    for (const l of p.lines) {
      const q = quantityProblem(choices[l.line].quantity, max(l));
      if (q) found[l.line] = q;
      else if (l.generic && Number(choices[l.line].quantity) > 0 && !choices[l.line].brand) found[l.line] = T.chooseBrand;
    }
    setProblems(found);
    if (Object.keys(found).length) {
      document.getElementById(`${id}-q-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const lines = handedOver();
    if (!lines.length) {
      setFormProblem(T.nothing);
      return;
    }
    setFormProblem(undefined);
    setBusy(true);
    try {
      const answer = correcting ? await correctDispensing(correcting.dispensing, lines) : await dispense(p.id, lines, complete);
      onDone(answer, lines);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const partial = !correcting && p.lines.some((l) => Number(choices[l.line].quantity) < max(l) - 1e-9);

  return (
    <form className="card pharmacy-dispense" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t(correcting ? T.correctTitle : T.title)}</h2>
      <p>{t(T.lead)}</p>
      <ol className="pharmacy-lines">
        {p.lines.map((l) => {
          const c = choices[l.line];
          const list = brands[l.line];
          const canChange = l.generic || l.substitution !== '1';
          const problem = problems[l.line];
          const substituted = !l.generic && c.brand !== undefined && c.brand !== brandKey(l);
          return (
            <li key={l.line} className="pharmacy-line">
              <p className="pharmacy-line-name">
                <span className="pharmacy-line-no">{l.line}</span> {l.name}
              </p>
              <div className="pharmacy-dispense-fields">
                <div className="pharmacy-field">
                  <label htmlFor={`${id}-b-${l.line}`}>{t(T.brand)}</label>
                  {!canChange ? (
                    <p id={`${id}-b-${l.line}`} className="note">
                      {t(T.fixed)}
                    </p>
                  ) : list === undefined ? (
                    <p id={`${id}-b-${l.line}`} className="note">
                      {t(T.loading)}
                    </p>
                  ) : (
                    <select
                      id={`${id}-b-${l.line}`}
                      value={c.brand ?? ''}
                      onChange={(ev) => {
                        const v = ev.currentTarget.value;
                        setChoices((prev) => ({ ...prev, [l.line]: { ...prev[l.line], brand: v } }));
                      }}
                    >
                      {l.generic && !c.brand && <option value="">{t(T.chooseBrand)}</option>}
                      {!l.generic && !list.some((b) => b.prescribed) && <option value={brandKey(l)}>{`${l.name}${t(T.prescribedMark)}`}</option>}
                      {list.map((b) => (
                        <option key={brandKey(b)} value={brandKey(b)}>
                          {b.name}
                          {b.prescribed ? t(T.prescribedMark) : ''}
                        </option>
                      ))}
                    </select>
                  )}
                  {substituted && <p className="pharmacy-substituted">{t(T.substituted)}</p>}
                </div>
                <div className="pharmacy-field pharmacy-field-quantity">
                  <label htmlFor={`${id}-q-${l.line}`}>
                    {t(T.quantity)}
                    {t({ ja: `（${l.unit}・残り ${quantityText(max(l))}）`, en: ` (${l.unit}; left ${quantityText(max(l))})` })}
                  </label>
                  <input
                    id={`${id}-q-${l.line}`}
                    type="text"
                    inputMode="decimal"
                    autoComplete="off"
                    value={c.quantity}
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={problem ? `${id}-e-${l.line}` : undefined}
                    onChange={(ev) => {
                      const v = ev.currentTarget.value;
                      setChoices((prev) => ({ ...prev, [l.line]: { ...prev[l.line], quantity: v } }));
                      setProblems((prev) => {
                        const { [l.line]: _gone, ...rest } = prev;
                        return rest;
                      });
                    }}
                  />
                  {problem && (
                    <p id={`${id}-e-${l.line}`} className="pharmacy-field-error" role="alert">
                      {t(problem)}
                    </p>
                  )}
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      {partial && (
        <div className="notice">
          <p>{t(T.partial)}</p>
          <label className="pharmacy-check">
            <input type="checkbox" checked={complete} onChange={(ev) => setComplete(ev.currentTarget.checked)} />
            {t(T.complete)}
          </label>
        </div>
      )}
      {formProblem && (
        <p role="alert" className="pharmacy-field-error">
          {t(formProblem)}
        </p>
      )}
      {error !== undefined && <RefusalMessage error={error} />}
      <div className="row">
        <button type="submit" className="pharmacy-primary" disabled={busy}>
          {t(correcting ? T.submitCorrect : T.submit)}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t(T.cancel)}
          </button>
        )}
        <StatusMessage>{busy ? t(T.busy) : ''}</StatusMessage>
      </div>
    </form>
  );
}
