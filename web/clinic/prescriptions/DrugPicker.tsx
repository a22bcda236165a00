/** 薬剤の選択: type part of the name, pick the product from the drug master (the name shown is always the master's). */
import { useEffect, useId, useRef, useState } from 'react';
import { textOf } from '../../shared/errors.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { type DrugChoice, searchDrugs } from './api.ts';

export function DrugPicker({ lineNo, onPick }: { lineNo: number; onPick(drug: DrugChoice): void }) {
  const { t } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<DrugChoice[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => abort.current?.abort(), []);

  async function search(text: string) {
    abort.current?.abort();
    const term = text.trim();
    if (!term) {
      setFound(undefined);
      return;
    }
    const ctl = new AbortController();
    abort.current = ctl;
    setBusy(true);
    setError(undefined);
    try {
      const list = await searchDrugs(term, ctl.signal);
      if (!ctl.signal.aborted) setFound(list);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
    } finally {
      if (!ctl.signal.aborted) setBusy(false);
    }
  }

  return (
    <div className="prescriptions-picker">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void search(q);
        }}
      >
        <label htmlFor={`${id}-q`}>{t({ ja: `薬剤名（${lineNo}行目）`, en: `Drug name (line ${lineNo})` })}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          autoComplete="off"
          placeholder={t({ ja: '例: リポバス', en: 'e.g. リポバス' })}
          onChange={(e) => {
            setQ(e.target.value);
            void search(e.target.value);
          }}
        />
        <button type="submit" className="secondary">
          {t({ ja: '検索', en: 'Search' })}
        </button>
      </form>
      <div role="status" aria-live="polite" className="prescriptions-picker-status">
        {busy && <p className="note">{t({ ja: '医薬品マスターを検索しています…', en: 'Searching the drug master…' })}</p>}
        {!busy && found?.length === 0 && (
          <p className="note">{t({ ja: `「${q.trim()}」に一致する薬剤は医薬品マスターにありません`, en: `No drug in the master matches "${q.trim()}"` })}</p>
        )}
        {!busy && found && found.length > 0 && <p className="visually-hidden">{t({ ja: `${found.length}件見つかりました`, en: `${found.length} found` })}</p>}
      </div>
      {error !== undefined && (
        <p role="alert" className="error">
          {t(textOf(error))}
        </p>
      )}
      {found && found.length > 0 && (
        <ul className="prescriptions-results" aria-label={t({ ja: '医薬品マスターの検索結果', en: 'Drug master results' })}>
          {found.map((d) => (
            <li key={`${d.system}|${d.code}`}>
              <button type="button" className="secondary prescriptions-result" onClick={() => onPick(d)}>
                <span className="prescriptions-result-name">{d.name}</span>
                <span className="prescriptions-result-sub">
                  {d.generalName ?? ''}
                  {d.validTo ? t({ ja: `（${d.validTo} まで）`, en: ` (until ${d.validTo})` }) : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
