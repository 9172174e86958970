/**
 * The alert is the hand-off between deciding (rules, scorers) and delivering (outbox, digests).
 * It is plain data, written to the outbox before anything is sent, and identified by an
 * idempotency key so the same change never produces a second alert.
 */

/** Who an alert is for. Routing turns an audience into addresses; HR data only ever has the `hr` audience. */
export type Audience =
  /** `owners`: only these of the region's owners (a table some want daily and others weekly). */
  | { kind: 'region'; region: string; owners?: string[] }
  | { kind: 'ops' }
  | { kind: 'hr' }
  | { kind: 'manager'; email: string; name?: string }
  | { kind: 'person'; email: string; name?: string };

export interface Alert<P extends object = object> {
  /** Idempotency key: target + item + change, or signal + person + week. Same id = same alert. */
  id: string;
  /** Which digest section renders it (price, tender, job, scraper, attrition, coaching ...). */
  topic: string;
  audience: Audience;
  /** ISO timestamp of when the alert was decided. */
  createdAt: string;
  /** 'immediate' alerts are sent at the end of the run; others wait for the daily digest window. */
  urgency?: 'immediate' | 'digest';
  /** Topic-specific, JSON-serialisable data the section template renders. Scraped text stays raw here: templates escape it. */
  payload: P;
  /**
   * Only worth sending along with news of these topics (for the same region, within a day): the
   * 比价 table for owners who want it "only on alerts". Without such news it is never sent.
   */
  onlyWith?: string[];
}

export function audienceLabel(a: Audience): string {
  switch (a.kind) {
    case 'region':
      return `region:${a.region}`;
    case 'ops':
      return 'ops';
    case 'hr':
      return 'hr';
    case 'manager':
      return `manager:${a.email}`;
    case 'person':
      return `person:${a.email}`;
  }
}
