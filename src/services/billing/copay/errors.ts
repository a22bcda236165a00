/**
 * The copay's input error (入力誤り): `message` is the Japanese text for the desk, `en` the English one, `path` the
 * input path at fault (e.g. 'patient.publicExpenses[0].monthlyCapYen').
 */
export class CopayInputError extends Error {
  /** 入力誤りの内容（日本語; the same as message）. */
  readonly ja: string;
  /** The same in English. */
  readonly en: string;
  /** Where in the CopayInput the fault is. */
  readonly path: string;

  constructor(ja: string, en: string, path: string) {
    super(ja);
    this.name = 'CopayInputError';
    this.ja = ja;
    this.en = en;
    this.path = path;
  }
}
