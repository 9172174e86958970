/**
 * Errors are values with a code and a cause, shown to the user as one line.
 * `where` is a location a person can open: "scrapers/acme.yaml:7" or a URL.
 */
export type ErrorCode =
  | 'config'
  | 'usage'
  | 'fetch'
  | 'extract'
  | 'store'
  | 'deliver'
  | 'import'
  | 'internal'
  // What the service layer (API, console) answers with: who is asking, what they may see, what changed meanwhile.
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid';

export class RadarError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;
  /** The field at fault (`fetch.url`, `items.each`), when the error is about one: forms and the API point at it. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { where?: string; cause?: unknown; field?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RadarError';
    this.code = code;
    this.where = opts.where;
    this.field = opts.field;
  }

  /** One line for a terminal or a log: `scrapers/acme.yaml:7: fetch.pages: expected ...`. */
  toLine(): string {
    return this.where ? `${this.where}: ${this.message}` : this.message;
  }
}

export function errorLine(err: unknown): string {
  if (err instanceof RadarError) return err.toLine();
  if (err instanceof Error) return err.message;
  return String(err);
}
