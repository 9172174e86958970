/**
 * Every target run ends in exactly one verdict. Failure is a verdict, not data:
 * only a `good` verdict may touch the snapshot.
 */
export type FailureClass =
  | 'network'
  | 'timeout'
  | `http_${number}`
  | 'too_large'
  | 'redirect_loop'
  | 'robots'
  | 'blocked'
  | 'login_wall'
  | 'layout_changed'
  /** Browser: a step (click, fill, select) could not be done: its element is missing, covered or disabled. */
  | 'step_failed'
  | 'no_match'
  | 'truncated'
  | 'pagination'
  | 'empty'
  | 'parse_error'
  | 'browser_missing'
  /** Distributed mode: the job's workers died under it, again and again. */
  | 'worker_lost'
  | 'config';

export interface Failure {
  class: FailureClass;
  /** One line a person can act on. */
  message: string;
  url?: string;
  httpStatus?: number;
  /** A short, trimmed sample of what came back, for sales ops to see what the site showed. */
  sample?: string;
}

/** A failure raised inside fetch or extract; carries its class up to the verdict. */
export class FetchFailure extends Error {
  readonly failure: Failure;
  constructor(failure: Failure, cause?: unknown) {
    super(failure.message, cause === undefined ? undefined : { cause });
    this.name = 'FetchFailure';
    this.failure = failure;
  }
}

export function failureText(f: Failure): string {
  return `${f.class}: ${f.message}${f.url ? ` (${f.url})` : ''}`;
}
