/** The parts of the patient page: a section frame, the facility name, the item tables of the 6 information. */
import type { ReactNode } from 'react';
import { ApiError } from '../../shared/errors.ts';
import { useI18n } from '../../shared/i18n.tsx';
import { ErrorMessage, StatusMessage } from '../../shared/messages.tsx';
import type { Text } from '../../shared/text.ts';
import type { SharedItem } from './clinical.ts';
import { showDay } from './format.ts';
import type { Read } from './load.ts';

export const S = {
  loading: { ja: '読み込み中です…', en: 'Loading…' },
  facility: { ja: '医療機関', en: 'Facility' },
  date: { ja: '日付', en: 'Date' },
  details: { ja: '補足', en: 'Details' },
  own: { ja: '当院', en: 'this clinic' },
  code: { ja: '医療機関コード', en: 'facility code' },
  uninformed: { ja: '患者さんに未告知', en: 'Not told to the patient' },
  uninformedNote: {
    ja: '患者さんご本人にまだ告知されていない病名です。患者さんやご家族に伝えないでください。',
    en: 'The patient has not been told this diagnosis yet. Do not disclose it to the patient or their family.',
  },
} satisfies Record<string, Text>;

/** A section of the page with its heading (the in-page nav's target). */
export function Section({ id, title, children, actions }: { id: string; title: Text; children: ReactNode; actions?: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className="card patients-section" id={id} aria-labelledby={`${id}-title`}>
      <div className="patients-section-head">
        <h2 id={`${id}-title`} tabIndex={-1}>
          {t(title)}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Loading, an error with retry, or the content of a read. */
export function ReadView<T>({ read, onRetry, children }: { read: Read<T>; onRetry: () => void; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (read.status === 'loading')
    return (
      <StatusMessage className="patients-loading">
        <p>{t(S.loading)}</p>
      </StatusMessage>
    );
  // A refusal (no consent, not for this role) is the platform's answer, not a failure: said plainly, no retry.
  if (read.status === 'error' && read.error instanceof ApiError && read.error.status === 403)
    return (
      <div className="notice" role="note">
        <p>{t(read.error.text)}</p>
      </div>
    );
  if (read.status === 'error') return <ErrorMessage error={read.error} onRetry={onRetry} />;
  if (read.status === 'skipped') return null;
  return <>{children(read.data)}</>;
}

/** さくら総合病院 / つなぐ内科クリニック（当院） / 医療機関コード 1310200124. */
export function FacilityName({ code, names, own, fallback }: { code?: string; names: Map<string, string>; own?: string; fallback?: string }) {
  const { t } = useI18n();
  if (!code) return <>{fallback ?? '—'}</>;
  const name = names.get(code) ?? fallback;
  const label = name ?? `${t(S.code)} ${code}`;
  return (
    <>
      {label}
      {code === own && <span className="patients-own">（{t(S.own)}）</span>}
    </>
  );
}

export function UninformedBadge() {
  const { t } = useI18n();
  return (
    <strong className="patients-uninformed">
      <span aria-hidden="true">⚠ </span>
      {t(S.uninformed)}
    </strong>
  );
}

export interface Column {
  title: Text;
  cell: (item: SharedItem) => ReactNode;
  /** The first column: the row's header. */
  header?: boolean;
}

/** The items as a table (a stacked list on narrow screens), each with its facility and date; 未告知 rows flagged. */
export function ItemTable({
  caption,
  items,
  columns,
  names,
  own,
  empty,
}: {
  caption: Text;
  items: SharedItem[];
  columns: Column[];
  names: Map<string, string>;
  own?: string;
  empty: Text;
}) {
  const { t } = useI18n();
  if (!items.length) return <p className="patients-empty">{t(empty)}</p>;
  const all: Column[] = [
    ...columns,
    { title: S.date, cell: (i) => <span className="patients-nowrap">{showDay(i.date)}</span> },
    {
      title: S.facility,
      cell: (i) => (
        <>
          <FacilityName code={i.facilityCode} names={names} own={own} />
          {i.department && <span className="patients-sub">{i.department}</span>}
        </>
      ),
    },
  ];
  return (
    <div className="patients-table">
      <table>
        <caption className="visually-hidden">{t(caption)}</caption>
        <thead>
          <tr>
            {all.map((c) => (
              <th key={c.title.ja} scope="col">
                {t(c.title)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.ref} className={item.uninformed ? 'patients-row-uninformed' : undefined}>
              {all.map((c) =>
                c.header ? (
                  <th key={c.title.ja} scope="row" data-label={t(c.title)}>
                    <div>{c.cell(item)}</div>
                  </th>
                ) : (
                  <td key={c.title.ja} data-label={t(c.title)}>
                    <div>{c.cell(item)}</div>
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The extra lines of an item. */
export function Details({ item }: { item: SharedItem }) {
  if (!item.details.length) return <>—</>;
  return (
    <ul className="patients-details">
      {item.details.map((d) => (
        <li key={d}>{d}</li>
      ))}
    </ul>
  );
}
