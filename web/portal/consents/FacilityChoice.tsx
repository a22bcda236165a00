/**
 * 医療機関・薬局を選ぶ: a search of the facility directory (part of the name or the 10-digit code) and the answers as
 * radio buttons — large targets that work on a phone and with the keyboard.
 */
import { type FormEvent, useId, useState } from 'react';
import { json } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { StatusMessage } from '../../shared/messages.tsx';
import { PortalError } from '../ui.tsx';

export interface DirectoryEntry {
  code: string;
  name: string;
  kind: 'facility' | 'pharmacy' | 'checkup';
  prefecture?: string;
}

const T = {
  label: { ja: '医療機関・薬局の名前の一部、または医療機関コード（10桁）', en: 'Part of the name, or the 10-digit facility code' },
  search: { ja: '探す', en: 'Search' },
  short: { ja: '2文字以上入力してください。', en: 'Please type at least 2 characters.' },
  searching: { ja: '探しています…', en: 'Searching…' },
  none: { ja: '見つかりませんでした。名前の一部か医療機関コード（10桁）で探してください。', en: 'Nothing found. Try part of the name or the 10-digit code.' },
  found: (n: number) => ({ ja: `${n}件見つかりました。1つ選んでください。`, en: `${n} found. Please choose one.` }),
  choose: { ja: '同意する医療機関・薬局', en: 'The facility or pharmacy' },
  pharmacy: { ja: '薬局', en: 'pharmacy' },
  facility: { ja: '医療機関', en: 'medical facility' },
  checkup: { ja: '健診機関', en: 'check-up provider' },
};

export function FacilityChoice({ value, onChange }: { value?: DirectoryEntry; onChange: (f: DirectoryEntry | undefined) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<DirectoryEntry[]>();
  const [error, setError] = useState<unknown>();
  const [short, setShort] = useState(false);

  async function search(e: FormEvent) {
    e.preventDefault();
    const text = q.normalize('NFKC').trim();
    setShort(false);
    setError(undefined);
    if ([...text].length < 2) {
      setShort(true);
      return;
    }
    setBusy(true);
    try {
      const a = await json<{ facilities?: DirectoryEntry[] }>(
        `/directory/facilities?${new URLSearchParams({ q: text, kind: 'facility,pharmacy', limit: '20' })}`,
      );
      setFound(a?.facilities ?? []);
      onChange(undefined);
    } catch (err) {
      setError(err);
      setFound(undefined);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="portal-choice">
      <form onSubmit={(e) => void search(e)} className="portal-search">
        <label htmlFor={`${id}-q`}>{t(T.label)}</label>
        <div className="row">
          <input id={`${id}-q`} value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" aria-invalid={short || undefined} />
          <button type="submit" disabled={busy}>
            {t(T.search)}
          </button>
        </div>
      </form>
      {short && (
        <div role="alert" className="error">
          <p>{t(T.short)}</p>
        </div>
      )}
      {error !== undefined && <PortalError error={error} />}
      <StatusMessage>{busy ? <p>{t(T.searching)}</p> : found && <p>{found.length ? t(T.found(found.length)) : t(T.none)}</p>}</StatusMessage>
      {found && found.length > 0 && (
        <fieldset className="portal-options">
          <legend>{t(T.choose)}</legend>
          {found.map((f) => (
            <label key={f.code} className="portal-option">
              <input type="radio" name={`${id}-facility`} checked={value?.code === f.code} onChange={() => onChange(f)} />
              <span>
                <strong>{f.name}</strong>
                <span className="portal-sub">
                  {t(T[f.kind] ?? T.facility)} · {f.code}
                  {f.prefecture && ` · ${f.prefecture}`}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
