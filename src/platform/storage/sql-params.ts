/** Builds a statement's parameter list while its SQL text is assembled (`$1`, `$2`, … with optional casts). */
export class StatementParams {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
