/**
 * 紹介先の選択: a combobox (WAI-ARIA 1.2, list autocomplete) over the facility directory — type part of the name, the
 * reading or the 医療機関コード; ↓/↑ move through the list, Enter picks, Esc closes; each option shows the name, the
 * code and the prefecture.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { type DirectoryFacility, searchFacilities } from './api.ts';

const T = {
  label: { ja: '紹介先医療機関（名称の一部または医療機関コード）', en: 'Addressee (part of the name, or the facility code)' },
  hint: {
    ja: '2文字以上入力すると候補が表示されます。↓↑で選び、Enter で決定します。',
    en: 'Type 2 or more characters for suggestions; ↓↑ to move, Enter to pick.',
  },
  list: { ja: '紹介先の候補', en: 'Suggested facilities' },
  searching: { ja: '検索しています…', en: 'Searching…' },
  none: {
    ja: '該当する医療機関はありません。名称の一部か医療機関コード（10桁）で探してください。',
    en: 'No facility found. Try part of the name or the 10-digit code.',
  },
  found: (n: number, more: boolean) => ({
    ja: `${n}件の候補${more ? '（ほかにもあります。さらに入力して絞り込んでください）' : ''}`,
    en: `${n} suggestion${n === 1 ? '' : 's'}${more ? ' (more: type more to narrow)' : ''}`,
  }),
  chars: {
    ja: '使えない文字が含まれています（文字・数字・空白・「ー・-（）.&」が使えます）。',
    en: 'Some characters cannot be used (letters, digits, spaces and ー・-().& can).',
  },
  selected: { ja: '選択中の紹介先', en: 'Addressee chosen' },
  code: { ja: '医療機関コード', en: 'code' },
};

const ALLOWED = /^[\p{L}\p{M}\p{N}\s\u30FC\u30FB\-().&]+$/u;

export function FacilityPicker({
  value,
  onChange,
  invalid,
  describedBy,
}: {
  value: DirectoryFacility | undefined;
  onChange: (f: DirectoryFacility | undefined) => void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const inputId = `${id}-input`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const [text, setText] = useState(value?.name ?? '');
  const [options, setOptions] = useState<DirectoryFacility[]>([]);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [badChars, setBadChars] = useState(false);
  const [searched, setSearched] = useState('');
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    const q = text.normalize('NFKC').trim();
    setBadChars(false);
    if (value && text === value.name) return;
    if ([...q].length < 2) {
      setOptions([]);
      setOpen(false);
      setSearched('');
      return;
    }
    if (!ALLOWED.test(q)) {
      setBadChars(true);
      setOptions([]);
      setOpen(false);
      return;
    }
    const timer = setTimeout(() => {
      abort.current?.abort();
      const ctl = new AbortController();
      abort.current = ctl;
      setBusy(true);
      setError(undefined);
      searchFacilities([...q].slice(0, 40).join(''), ctl.signal)
        .then((r) => {
          setOptions(r.facilities);
          setMore(r.more);
          setActive(r.facilities.length ? 0 : -1);
          setOpen(true);
          setSearched(q);
        })
        .catch((err) => {
          if (err instanceof DOMException && err.name === 'AbortError') return;
          setError(err);
          setOpen(false);
        })
        .finally(() => {
          if (abort.current === ctl) setBusy(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [text, value]);

  const pick = (f: DirectoryFacility) => {
    onChange(f);
    setText(f.name);
    setOpen(false);
    setOptions([]);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open && options.length) setOpen(true);
      setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && options[active]) {
        e.preventDefault();
        pick(options[active]);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
      }
    }
  };

  const optionId = (i: number) => `${id}-opt-${i}`;
  const expanded = open && options.length > 0;
  return (
    <div className="letters-field letters-combo">
      <label htmlFor={inputId}>{t(T.label)}</label>
      <p id={hintId} className="note">
        {t(T.hint)}
      </p>
      <div className="letters-combo-box">
        <input
          id={inputId}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
          aria-invalid={invalid || badChars || undefined}
          maxLength={60}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (value) onChange(undefined);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onFocus={() => options.length && setOpen(true)}
        />
        <div id={listId} role="listbox" aria-label={t(T.list)} className="letters-options" hidden={!expanded}>
          {options.map((f, i) => (
            <div
              key={f.code}
              id={optionId(i)}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'letters-option-active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(f);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="letters-option-name">{f.name}</span>
              <span className="letters-option-meta">
                <span className="mono">{f.code}</span>
                {f.prefecture ? `・${f.prefecture}` : ''}
              </span>
            </div>
          ))}
        </div>
      </div>
      <StatusMessage className="letters-combo-status">
        {busy && <span>{t(T.searching)}</span>}
        {!busy && searched && !value && (options.length ? <span>{t(T.found(options.length, more))}</span> : <span>{t(T.none)}</span>)}
      </StatusMessage>
      {badChars && <p className="error">{t(T.chars)}</p>}
      {error !== undefined && <ErrorMessage error={error} />}
      {value && (
        <p className="letters-chosen">
          <span className="letters-label">{t(T.selected)}:</span> <strong>{value.name}</strong>（{t(T.code)} <span className="mono">{value.code}</span>
          {value.prefecture ? `・${value.prefecture}` : ''}）
        </p>
      )}
    </div>
  );
}
