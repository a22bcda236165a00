/** An output that cannot be written from its input (出力エラー): the message is Japanese, `en` and `path` help developers. */
export class OutputError extends Error {
  /** English text of the same fault. */
  readonly en: string;
  /** The input field at fault (e.g. `visits[3].visitCase.patient.name`). */
  readonly path: string;

  constructor(ja: string, en: string, path: string) {
    super(`${ja}（${path}）`);
    this.name = 'OutputError';
    this.en = en;
    this.path = path;
  }
}
