/** A letter as a readable document (the reading, the preview before sending, the printed page): never raw JSON. */
import type { ReactNode } from 'react';
import { useI18n } from '../../shared/i18n.tsx';
import { type Block, dateText, GENDER, type LetterModel, type LetterParty } from './letter-model.ts';

const T = {
  letter: { ja: '診療情報提供書', en: 'Referral letter' },
  to: { ja: '紹介先', en: 'To' },
  from: { ja: '紹介元', en: 'From' },
  patient: { ja: '患者', en: 'Patient' },
  name: { ja: '氏名', en: 'Name' },
  kana: { ja: 'フリガナ', en: 'Reading' },
  birthDate: { ja: '生年月日', en: 'Date of birth' },
  gender: { ja: '性別', en: 'Sex' },
  address: { ja: '住所', en: 'Address' },
  purpose: { ja: '紹介目的', en: 'Purpose of referral' },
  diagnoses: { ja: '傷病名', en: 'Diagnoses' },
  onset: { ja: '発症日', en: 'onset' },
  none: { ja: '記載なし', en: 'Not given' },
  code: { ja: '医療機関コード', en: 'Facility code' },
  summary: { ja: '添付の退院時サマリー', en: 'Attached discharge summary' },
};

type Level = 2 | 3;

function Heading({ level, children, className }: { level: Level | 4; children: ReactNode; className?: string }) {
  if (level === 2) return <h2 className={className}>{children}</h2>;
  if (level === 3) return <h3 className={className}>{children}</h3>;
  return <h4 className={className}>{children}</h4>;
}

export function Blocks({ blocks }: { blocks: Block[] }) {
  return (
    <>
      {blocks.map((b, i) =>
        b.kind === 'p' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the blocks of one narrative, in order, never reordered
          <p key={i} className="letters-para">
            {b.text}
          </p>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: as above
          <div key={i} className="table-wrap">
            <table className="letters-table">
              {b.caption && <caption>{b.caption}</caption>}
              {b.head.length > 0 && (
                <thead>
                  <tr>
                    {b.head.map((h, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: columns of a row
                      <th key={j} scope="col">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
              )}
              <tbody>
                {b.rows.map((r, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows of a table
                  <tr key={j}>
                    {r.map((c, k) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells of a row
                      <td key={k}>{c}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ),
      )}
    </>
  );
}

function Party({ title, party, level }: { title: string; party: LetterParty; level: Level }) {
  const { t } = useI18n();
  return (
    <div className="letters-party">
      <Heading level={(level + 1) as 3 | 4} className="letters-label">
        {title}
      </Heading>
      {party.lines.length ? party.lines.map((l) => <p key={l}>{l}</p>) : <p>{party.name ?? t(T.none)}</p>}
      {party.code && (
        <p className="letters-code">
          {t(T.code)} <span className="mono">{party.code}</span>
        </p>
      )}
    </div>
  );
}

export function LetterView({ model, level = 2, label }: { model: LetterModel; level?: Level; label?: string }) {
  const { t, lang } = useI18n();
  const sub = (level + 1) as 3 | 4;
  const p = model.patient;
  return (
    <article className="letters-doc" aria-label={label ?? model.title}>
      <header className="letters-doc-head">
        <Heading level={level} className="letters-doc-title">
          {model.title || t(T.letter)}
        </Heading>
        {model.date && <p className="letters-doc-date">{dateText(model.date, lang)}</p>}
      </header>
      <div className="letters-parties">
        <Party title={t(T.to)} party={model.addressee} level={level} />
        <Party title={t(T.from)} party={model.sender} level={level} />
      </div>
      <section className="letters-sec">
        <Heading level={sub}>{t(T.patient)}</Heading>
        <table className="letters-facts">
          <tbody>
            <tr>
              <th scope="row">{t(T.name)}</th>
              <td>{p.name ?? t(T.none)}</td>
            </tr>
            {p.kana && (
              <tr>
                <th scope="row">{t(T.kana)}</th>
                <td>{p.kana}</td>
              </tr>
            )}
            <tr>
              <th scope="row">{t(T.birthDate)}</th>
              <td>{p.birthDate ? dateText(p.birthDate, lang) : t(T.none)}</td>
            </tr>
            <tr>
              <th scope="row">{t(T.gender)}</th>
              <td>{p.gender ? t(GENDER[p.gender] ?? { ja: p.gender, en: p.gender }) : t(T.none)}</td>
            </tr>
            {p.address && (
              <tr>
                <th scope="row">{t(T.address)}</th>
                <td>{p.address}</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      {model.purpose.length > 0 && (
        <section className="letters-sec">
          <Heading level={sub}>{t(T.purpose)}</Heading>
          <Blocks blocks={model.purpose} />
        </section>
      )}
      {model.diagnoses.length > 0 && (
        <section className="letters-sec">
          <Heading level={sub}>{t(T.diagnoses)}</Heading>
          <ol className="letters-diagnoses">
            {model.diagnoses.map((d) => (
              <li key={`${d.name}-${d.onset ?? ''}`}>
                {d.name}
                {d.onset && (
                  <span className="letters-muted">
                    {' '}
                    （{t(T.onset)} {dateText(d.onset, lang)}）
                  </span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
      {model.sections.map((s) => (
        <section className="letters-sec" key={`${s.code}-${s.title}`}>
          <Heading level={sub}>{s.title}</Heading>
          <Blocks blocks={s.blocks} />
        </section>
      ))}
      {model.summary && (
        <section className="letters-sec">
          <Heading level={sub}>{t(T.summary)}</Heading>
          <p>{model.summary.title}</p>
          {model.summary.diagnoses.length > 0 && (
            <ol className="letters-diagnoses">
              {model.summary.diagnoses.map((d) => (
                <li key={d.name}>{d.name}</li>
              ))}
            </ol>
          )}
          {model.summary.sections.map((s) => (
            <div key={`${s.code}-${s.title}`}>
              <p className="letters-label">{s.title}</p>
              <Blocks blocks={s.blocks} />
            </div>
          ))}
        </section>
      )}
    </article>
  );
}
