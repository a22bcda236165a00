/**
 * 手入力: diagnoses and lab results of the current patient, collected in a list, then registered in one call
 * ($register-simple-entry). A diagnosis is searched in the disease master (or kept as free text: sent uncoded); a
 * lab result is one of the common JLAC10 items with its value, unit, reference range and date.
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { CurrentPatient } from '../current-patient.ts';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import {
  type DiagnosisInput,
  type Disease,
  type EntryIssue,
  type EntryResult,
  issuesOf,
  type LabInput,
  type LabItem,
  loadCodes,
  registerEntry,
  todayInJapan,
} from './api.ts';

const T = {
  dxTitle: { ja: '病名を追加', en: 'Add a diagnosis' },
  dxSearch: { ja: '病名（一部でも可）', en: 'Diagnosis (part of the name)' },
  search: { ja: '病名マスターを検索', en: 'Search the master' },
  searching: { ja: '検索しています…', en: 'Searching…' },
  noMatch: {
    ja: '病名マスターに一致する病名がありません。このまま「コードなしで追加」すると、病名だけで登録されます（コード 99999999）。',
    en: 'No match in the disease master. "Add without a code" registers the name only (code 99999999).',
  },
  matches: { ja: '病名マスターの候補', en: 'Matches in the disease master' },
  pick: { ja: 'この病名を選ぶ', en: 'Choose' },
  chosen: { ja: '選んだ病名', en: 'Chosen' },
  onset: { ja: '発症日（病名開始日）', en: 'Onset' },
  primary: { ja: '主病名', en: 'Main diagnosis' },
  suspected: { ja: '疑い病名', en: 'Suspected' },
  addDx: { ja: '病名を一覧に追加', en: 'Add the diagnosis' },
  addFree: { ja: 'コードなしで追加', en: 'Add without a code' },
  labTitle: { ja: '検査結果を追加', en: 'Add a lab result' },
  item: { ja: '検査項目', en: 'Test' },
  value: { ja: '結果値', en: 'Result' },
  unit: { ja: '単位', en: 'Unit' },
  low: { ja: '基準値下限（任意）', en: 'Reference low (optional)' },
  high: { ja: '基準値上限（任意）', en: 'Reference high (optional)' },
  flag: { ja: '異常フラグ', en: 'Flag' },
  flagAuto: { ja: '基準値から自動', en: 'From the range' },
  date: { ja: '検査日', en: 'Test date' },
  addLab: { ja: '検査結果を一覧に追加', en: 'Add the result' },
  listTitle: { ja: '登録する内容', en: 'To be registered' },
  empty: { ja: 'まだ何もありません。上の欄で病名や検査結果を追加してください。', en: 'Nothing yet: add diagnoses or lab results above.' },
  kind: { ja: '種類', en: 'Kind' },
  what: { ja: '内容', en: 'Item' },
  when: { ja: '日付', en: 'Date' },
  remove: { ja: '削除', en: 'Remove' },
  register: { ja: '登録する', en: 'Register' },
  registering: { ja: '登録しています…', en: 'Registering…' },
  dx: { ja: '病名', en: 'Diagnosis' },
  lab: { ja: '検査', en: 'Lab' },
  needName: { ja: '病名を入力してください', en: 'Enter a diagnosis' },
  needValue: { ja: '結果値を数値で入力してください', en: 'Enter the result as a number' },
  needItem: { ja: '検査項目を選んでください', en: 'Choose a test' },
  refused: {
    ja: '登録できませんでした。次の点を直してください（何も登録されていません）:',
    en: 'Not registered. Please correct the following (nothing was stored):',
  },
  codesFailed: { ja: '検査項目の一覧を読み込めませんでした', en: 'The list of tests could not be loaded' },
  uncoded: { ja: 'コードなし', en: 'no code' },
};

type Pending = { kind: 'dx'; input: DiagnosisInput; label: string } | { kind: 'lab'; input: LabInput; label: string };

/** 病名 2件目 / 検査 1件目: the pending item an issue's field names. */
function fieldLabel(field: string, pending: Pending[]): Text | undefined {
  const m = /^(diagnosis|lab)\[(\d+)\]/.exec(field);
  if (!m) return undefined;
  const list = pending.filter((p) => p.kind === (m[1] === 'lab' ? 'lab' : 'dx'));
  const item = list[Number(m[2])];
  return item ? { ja: item.label, en: item.label } : undefined;
}

export function HandEntry({
  patient,
  department,
  onDone,
}: {
  patient: CurrentPatient;
  department: string;
  onDone: (r: EntryResult, items: Pending[]) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [labs, setLabs] = useState<LabItem[]>([]);
  const [codesError, setCodesError] = useState<unknown>();
  const [pending, setPending] = useState<Pending[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [issues, setIssues] = useState<EntryIssue[]>();
  const [formError, setFormError] = useState<Text>();

  // diagnosis form
  const [dxText, setDxText] = useState('');
  const [matches, setMatches] = useState<Disease[]>();
  const [searching, setSearching] = useState(false);
  const [chosen, setChosen] = useState<Disease>();
  const [onset, setOnset] = useState(todayInJapan());
  const [primary, setPrimary] = useState(false);
  const [suspected, setSuspected] = useState(false);

  // lab form
  const [labCode, setLabCode] = useState('');
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState('');
  const [low, setLow] = useState('');
  const [high, setHigh] = useState('');
  const [flag, setFlag] = useState('');
  const [labDate, setLabDate] = useState(todayInJapan());

  const loadLabs = () => {
    setCodesError(undefined);
    loadCodes()
      .then((c) => setLabs(c.labs.filter((l) => l.listed)))
      .catch(setCodesError);
  };
  useEffect(loadLabs, []);

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(undefined);
    if (!dxText.trim()) return setFormError(T.needName);
    setSearching(true);
    try {
      setMatches((await loadCodes(dxText)).diseases);
      setChosen(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setSearching(false);
    }
  };

  const addDiagnosis = (d: Disease | undefined) => {
    setFormError(undefined);
    const name = d?.name ?? dxText.trim();
    if (!name) return setFormError(T.needName);
    const flags = [primary ? t(T.primary) : '', suspected ? t(T.suspected) : ''].filter(Boolean).join('・');
    setPending((p) => [
      ...p,
      {
        kind: 'dx',
        input: { name, ...(d ? { code: d.code } : {}), onset, primary, suspected },
        label: `${name}${d ? '' : `（${t(T.uncoded)}）`}${flags ? `［${flags}］` : ''}`,
      },
    ]);
    setDxText('');
    setMatches(undefined);
    setChosen(undefined);
    setPrimary(false);
    setSuspected(false);
  };

  const pickLab = (code: string) => {
    setLabCode(code);
    setUnit(labs.find((l) => l.code === code)?.unit ?? '');
  };

  const addLab = (e: FormEvent) => {
    e.preventDefault();
    setFormError(undefined);
    const item = labs.find((l) => l.code === labCode);
    if (!item) return setFormError(T.needItem);
    const v = value.normalize('NFKC').trim();
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v)) return setFormError(T.needValue);
    setPending((p) => [
      ...p,
      {
        kind: 'lab',
        input: { code: item.code, name: item.name, value: v, unit: unit.trim() || item.unit, low, high, flag, date: labDate },
        label: `${item.name} ${v} ${unit.trim() || item.unit}${flag ? `（${flag}）` : ''}`,
      },
    ]);
    setValue('');
    setLow('');
    setHigh('');
    setFlag('');
  };

  const register = async () => {
    setBusy(true);
    setError(undefined);
    setIssues(undefined);
    try {
      const r = await registerEntry({
        who: { patient: patient.id },
        department,
        diagnosis: pending.flatMap((p) => (p.kind === 'dx' ? [p.input] : [])),
        lab: pending.flatMap((p) => (p.kind === 'lab' ? [p.input] : [])),
      });
      onDone(r, pending);
      setPending([]);
    } catch (err) {
      const found = issuesOf(err);
      if (found) setIssues(found);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const dateOf = (p: Pending) => (p.kind === 'dx' ? p.input.onset : p.input.date);

  return (
    <div className="records-hand">
      <div className="grid">
        <section className="card" aria-labelledby={`${id}-dx`}>
          <h3 id={`${id}-dx`}>{t(T.dxTitle)}</h3>
          <form onSubmit={search}>
            <label htmlFor={`${id}-dxname`}>{t(T.dxSearch)}</label>
            <div className="row records-field">
              <input id={`${id}-dxname`} value={dxText} onChange={(e) => setDxText(e.target.value)} autoComplete="off" />
              <button type="submit" className="secondary" disabled={searching}>
                {t(T.search)}
              </button>
            </div>
          </form>
          <StatusMessage>{searching ? t(T.searching) : ''}</StatusMessage>
          {matches && matches.length === 0 && <p className="notice">{t(T.noMatch)}</p>}
          {matches && matches.length > 0 && (
            <fieldset className="records-matches">
              <legend>{t(T.matches)}</legend>
              {matches.map((m) => (
                <label key={m.code} className="records-choice">
                  <input type="radio" name={`${id}-match`} checked={chosen?.code === m.code} onChange={() => setChosen(m)} />
                  {m.name} <span className="note mono">{m.code}</span>
                </label>
              ))}
            </fieldset>
          )}
          <div className="records-field">
            <label htmlFor={`${id}-onset`}>{t(T.onset)}</label>
            <input id={`${id}-onset`} type="date" value={onset} max={todayInJapan()} onChange={(e) => setOnset(e.target.value)} />
          </div>
          <div className="row records-field">
            <label className="records-choice">
              <input type="checkbox" checked={primary} onChange={(e) => setPrimary(e.target.checked)} /> {t(T.primary)}
            </label>
            <label className="records-choice">
              <input type="checkbox" checked={suspected} onChange={(e) => setSuspected(e.target.checked)} /> {t(T.suspected)}
            </label>
          </div>
          <div className="row">
            <button type="button" disabled={!chosen} onClick={() => addDiagnosis(chosen)}>
              {t(T.addDx)}
            </button>
            <button type="button" className="secondary" disabled={!dxText.trim()} onClick={() => addDiagnosis(undefined)}>
              {t(T.addFree)}
            </button>
          </div>
        </section>

        <section className="card" aria-labelledby={`${id}-lab`}>
          <h3 id={`${id}-lab`}>{t(T.labTitle)}</h3>
          {codesError !== undefined && (
            <>
              <p className="error" role="alert">
                {t(T.codesFailed)}
              </p>
              <ErrorMessage error={codesError} onRetry={loadLabs} />
            </>
          )}
          <form onSubmit={addLab}>
            <div className="records-field">
              <label htmlFor={`${id}-item`}>{t(T.item)}</label>
              <select id={`${id}-item`} value={labCode} onChange={(e) => pickLab(e.target.value)}>
                <option value="">—</option>
                {labs.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="records-pair">
              <div className="records-field">
                <label htmlFor={`${id}-value`}>{t(T.value)}</label>
                <input id={`${id}-value`} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
              </div>
              <div className="records-field">
                <label htmlFor={`${id}-unit`}>{t(T.unit)}</label>
                <input id={`${id}-unit`} value={unit} onChange={(e) => setUnit(e.target.value)} autoComplete="off" />
              </div>
              <div className="records-field">
                <label htmlFor={`${id}-low`}>{t(T.low)}</label>
                <input id={`${id}-low`} inputMode="decimal" value={low} onChange={(e) => setLow(e.target.value)} autoComplete="off" />
              </div>
              <div className="records-field">
                <label htmlFor={`${id}-high`}>{t(T.high)}</label>
                <input id={`${id}-high`} inputMode="decimal" value={high} onChange={(e) => setHigh(e.target.value)} autoComplete="off" />
              </div>
              <div className="records-field">
                <label htmlFor={`${id}-flag`}>{t(T.flag)}</label>
                <select id={`${id}-flag`} value={flag} onChange={(e) => setFlag(e.target.value)}>
                  <option value="">{t(T.flagAuto)}</option>
                  <option value="H">H（高）</option>
                  <option value="L">L（低）</option>
                  <option value="N">N（基準値内）</option>
                </select>
              </div>
              <div className="records-field">
                <label htmlFor={`${id}-date`}>{t(T.date)}</label>
                <input id={`${id}-date`} type="date" value={labDate} max={todayInJapan()} onChange={(e) => setLabDate(e.target.value)} />
              </div>
            </div>
            <button type="submit">{t(T.addLab)}</button>
          </form>
        </section>
      </div>

      {formError && (
        <p className="error" role="alert">
          {t(formError)}
        </p>
      )}

      <section className="card" aria-labelledby={`${id}-list`}>
        <h3 id={`${id}-list`}>{t(T.listTitle)}</h3>
        {pending.length === 0 ? (
          <p className="note">{t(T.empty)}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t(T.kind)}</th>
                  <th scope="col">{t(T.what)}</th>
                  <th scope="col">{t(T.when)}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t(T.remove)}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {pending.map((p, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the list has no other identity; removal re-renders it
                  <tr key={i}>
                    <td>{t(p.kind === 'dx' ? T.dx : T.lab)}</td>
                    <td>{p.label}</td>
                    <td>{dateOf(p)}</td>
                    <td>
                      <button type="button" className="secondary" onClick={() => setPending((all) => all.filter((_, j) => j !== i))}>
                        {t(T.remove)}
                        <span className="visually-hidden">: {p.label}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {issues && (
          <div className="error" role="alert">
            <p>{t(T.refused)}</p>
            <ul>
              {issues.map((x, i) => {
                const where = fieldLabel(x.field, pending);
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: issues of one answer, in order
                  <li key={i}>
                    {where ? `${t(where)}: ` : ''}
                    {t(x.text)}
                  </li>
                );
              })}
            </ul>
          </div>
        )}
        {error !== undefined && <ErrorMessage error={error} />}
        <StatusMessage>{busy ? t(T.registering) : ''}</StatusMessage>
        <button type="button" onClick={() => void register()} disabled={busy || pending.length === 0}>
          {t(T.register)}
        </button>
      </section>
    </div>
  );
}

export type { Pending };
