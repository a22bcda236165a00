/**
 * 外注検査の結果ファイル取込: the file read in the browser (lab-csv.ts), each row checked there and then by the server
 * (check=true, one call per patient and test date: unknown codes, future dates, unknown patients …), a preview with
 * every row's state, then the OK rows registered — one JP_Bundle_CLINS per patient and date. Refused rows stay listed
 * with their reasons and can be saved as a CSV file.
 */
import { type ChangeEvent, useId, useState } from 'react';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import { useI18n } from '../../shared/i18n.tsx';
import type { Text } from '../../shared/text.ts';
import { issuesOf, registerEntry } from './api.ts';
import { decode, type Encoding, type LabRow, type ParsedFile, readLabFile, refusedCsv } from './lab-csv.ts';

const T = {
  file: { ja: '結果ファイル（CSV）', en: 'Result file (CSV)' },
  encoding: { ja: '文字コード', en: 'Encoding' },
  auto: { ja: '自動判定（UTF-8 か Shift_JIS）', en: 'Detect (UTF-8 or Shift_JIS)' },
  help: {
    ja: '1行目は見出し（患者ID または 保険者番号・被保険者証記号・被保険者証番号・枝番・生年月日、検査日、JLAC10コード、項目名、結果値、単位、基準値下限、基準値上限、異常フラグ）です。',
    en: 'The first row is the header (patient id or insurer, symbol, number, branch and birth date; test date, JLAC10 code, name, result, unit, reference low and high, flag).',
  },
  reading: { ja: 'ファイルを確認しています…', en: 'Checking the file…' },
  line: { ja: '行', en: 'Line' },
  patient: { ja: '患者', en: 'Patient' },
  patientId: { ja: '患者ID', en: 'Patient id' },
  date: { ja: '検査日', en: 'Date' },
  item: { ja: '検査項目', en: 'Test' },
  result: { ja: '結果', en: 'Result' },
  range: { ja: '基準値', en: 'Range' },
  state: { ja: '状態', en: 'State' },
  ok: { ja: '登録できます', en: 'OK' },
  refused: { ja: '登録できません', en: 'Refused' },
  registered: { ja: '登録しました', en: 'Registered' },
  failed: { ja: '登録できませんでした', en: 'Failed' },
  register: { ja: '登録できる行を登録する', en: 'Register the OK rows' },
  registering: { ja: '登録しています…', en: 'Registering…' },
  download: { ja: '登録できない行をCSVで保存', en: 'Save the refused rows (CSV)' },
  previewTitle: { ja: '取込の確認', en: 'Preview' },
  none: {
    ja: '登録できる行がありません。理由を確かめ、ファイルを直してから選び直してください。',
    en: 'No row can be registered: correct the file and choose it again.',
  },
  readFailed: { ja: 'ファイルを読めませんでした', en: 'The file could not be read' },
};

type Group = { key: string; rows: LabRow[] };

function groupsOf(rows: LabRow[]): Group[] {
  const groups = new Map<string, LabRow[]>();
  for (const r of rows) {
    if (r.state !== 'ok' || !r.who) continue;
    const key = `${r.patientKey}|${r.lab.date}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups].map(([key, rs]) => ({ key, rows: rs }));
}

/** Puts each issue of a refused group on the row it names (`lab[2]…`); issues naming no row go to every row. */
function refuseRows(group: Group, issues: { field: string; text: Text }[]): void {
  for (const x of issues) {
    const m = /^lab\[(\d+)\]/.exec(x.field);
    const targets = m ? [group.rows[Number(m[1])]].filter(Boolean) : group.rows;
    for (const r of targets) {
      r.state = 'refused';
      if (!r.reasons.some((y) => y.ja === x.text.ja)) r.reasons.push(x.text);
    }
  }
}

const request = (g: Group, department: string, check: boolean) => registerEntry({ who: g.rows[0].who!, department, lab: g.rows.map((r) => r.lab), check });

export function CsvImport({ department, onRegistered }: { department: string; onRegistered?: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [file, setFile] = useState<ParsedFile>();
  const [rows, setRows] = useState<LabRow[]>([]);
  const [busy, setBusy] = useState<Text>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<number>();
  const [fileName, setFileName] = useState('');

  /** The server's check of every group (in turn: one patient and date per call). */
  const check = async (parsed: ParsedFile) => {
    for (const g of groupsOf(parsed.rows)) {
      try {
        await request(g, department, true);
      } catch (err) {
        const issues = issuesOf(err);
        if (!issues) throw err;
        refuseRows(g, issues);
        // The rows the refusal did not name are fine on their own: checked again without the refused ones.
        const rest = g.rows.filter((r) => r.state === 'ok');
        if (rest.length && rest.length < g.rows.length) {
          try {
            await request({ key: g.key, rows: rest }, department, true);
          } catch (again) {
            const more = issuesOf(again);
            if (!more) throw again;
            refuseRows({ key: g.key, rows: rest }, more);
          }
        }
      }
    }
  };

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    setFile(undefined);
    setRows([]);
    setDone(undefined);
    setError(undefined);
    if (!f) return;
    setFileName(f.name);
    setBusy(T.reading);
    try {
      const parsed = readLabFile(decode(new Uint8Array(await f.arrayBuffer()), encoding));
      if (!parsed.error) await check(parsed);
      setFile(parsed);
      setRows([...parsed.rows]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  const register = async () => {
    if (!file) return;
    setBusy(T.registering);
    setError(undefined);
    let count = 0;
    try {
      for (const g of groupsOf(rows)) {
        try {
          const r = await request(g, department, false);
          count += r.registered;
          for (const row of g.rows) row.state = 'registered';
        } catch (err) {
          const issues = issuesOf(err);
          if (!issues) throw err;
          refuseRows(g, issues);
          for (const row of g.rows) if (row.state === 'ok') row.state = 'failed';
        }
        setRows([...rows]);
      }
      setDone(count);
      onRegistered?.();
    } catch (err) {
      setError(err);
    } finally {
      setRows([...rows]);
      setBusy(undefined);
    }
  };

  const download = () => {
    if (!file) return;
    const blob = new Blob([refusedCsv(file, refused)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${fileName.replace(/\.[^.]*$/, '') || 'lab'}-登録できない行.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const ok = rows.filter((r) => r.state === 'ok');
  const refused = rows.filter((r) => r.state === 'refused' || r.state === 'failed');
  const stateText = (r: LabRow) => ({ ok: T.ok, refused: T.refused, registered: T.registered, failed: T.failed })[r.state];
  const who = (r: LabRow) =>
    r.patientName ||
    (r.who && 'patient' in r.who
      ? `${t(T.patientId)} ${r.who.patient}`
      : r.who
        ? `${r.who.insuredPerson.insurer} ${r.who.insuredPerson.number}（${r.who.insuredPerson.birthDate}）`
        : '—');

  return (
    <div className="records-csv">
      <div className="card">
        <p className="note">{t(T.help)}</p>
        <div className="records-pair">
          <div className="records-field">
            <label htmlFor={`${id}-enc`}>{t(T.encoding)}</label>
            <select id={`${id}-enc`} value={encoding} onChange={(e) => setEncoding(e.target.value as Encoding)}>
              <option value="auto">{t(T.auto)}</option>
              <option value="shift_jis">Shift_JIS</option>
              <option value="utf-8">UTF-8</option>
            </select>
          </div>
          <div className="records-field">
            <label htmlFor={`${id}-file`}>{t(T.file)}</label>
            <input id={`${id}-file`} type="file" accept=".csv,text/csv" onChange={(e) => void choose(e)} disabled={!!busy} />
          </div>
        </div>
        <StatusMessage>{busy ? t(busy) : ''}</StatusMessage>
        {error !== undefined && <ErrorMessage error={error} />}
        {file?.error && (
          <div className="error" role="alert">
            <p>
              {t(T.readFailed)}: {t(file.error)}
            </p>
          </div>
        )}
      </div>

      {file && !file.error && (
        <section className="card" aria-labelledby={`${id}-preview`}>
          <h3 id={`${id}-preview`}>
            {t(T.previewTitle)}: {fileName}
          </h3>
          <StatusMessage>
            {done !== undefined ? (
              <p className="success">
                {t({
                  ja: `${done} 件を登録しました${refused.length > 0 ? `。${refused.length} 件は登録していません（理由は表のとおり）` : ''}`,
                  en: `${done} results registered${refused.length > 0 ? `; ${refused.length} rows were not (reasons in the table)` : ''}`,
                })}
              </p>
            ) : (
              <p>
                {t({
                  ja: `${rows.length} 件の行: 登録できる行 ${ok.length} 行、登録できません ${refused.length} 行`,
                  en: `${rows.length} rows: ${ok.length} can be registered, ${refused.length} refused`,
                })}
              </p>
            )}
          </StatusMessage>
          {/* Focusable: at 200% zoom the table scrolls sideways inside its frame, and keyboards must reach it. */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region (axe scrollable-region-focusable) */}
          <section className="table-wrap" tabIndex={0} aria-labelledby={`${id}-preview`}>
            <table className="records-preview">
              <thead>
                <tr>
                  <th scope="col">{t(T.line)}</th>
                  <th scope="col">{t(T.patient)}</th>
                  <th scope="col">{t(T.date)}</th>
                  <th scope="col">{t(T.item)}</th>
                  <th scope="col">{t(T.result)}</th>
                  <th scope="col">{t(T.range)}</th>
                  <th scope="col">{t(T.state)}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.line} className={`records-row-${r.state}`}>
                    <td>{r.line}</td>
                    <td>{who(r)}</td>
                    <td>{r.lab.date}</td>
                    <td>
                      {r.lab.name ?? ''}
                      <br />
                      <span className="note mono">{r.lab.code}</span>
                    </td>
                    <td>
                      {r.lab.value} {r.lab.unit ?? ''}
                      {r.lab.flag ? `（${r.lab.flag}）` : ''}
                    </td>
                    <td>{r.lab.low || r.lab.high ? `${r.lab.low ?? ''}〜${r.lab.high ?? ''}` : ''}</td>
                    <td>
                      <strong>{t(stateText(r))}</strong>
                      {r.reasons.length > 0 && (
                        <ul className="records-reasons">
                          {r.reasons.map((x) => (
                            <li key={x.ja}>{t(x)}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {ok.length === 0 && done === undefined && <p className="notice">{t(T.none)}</p>}
          <div className="row">
            <button type="button" onClick={() => void register()} disabled={!!busy || ok.length === 0}>
              {t(T.register)}（{ok.length}）
            </button>
            <button type="button" className="secondary" onClick={download} disabled={refused.length === 0}>
              {t(T.download)}（{refused.length}）
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
