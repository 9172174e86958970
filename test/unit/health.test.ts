import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/config/target-schema.js';
import { targetHealth } from '../../src/pipeline/health.js';
import type { TargetLog } from '../../src/store/runlog.js';

const target = (schedule = '0 8 * * *', enabled = true) => ({ id: 'acme', schedule, enabled }) as unknown as Target;
const log = (over: Partial<TargetLog> = {}): TargetLog => ({ targetId: 'acme', consecutiveFailures: 0, failingSince: null, lastFailure: null, lastRunAt: null, lastGoodAt: null, runs: [], ...over });
const TZ = 'Asia/Shanghai';

describe('targetHealth', () => {
  const now = new Date('2026-11-28T10:00:00Z'); // 18:00 in Shanghai

  it('healthy after a recent good run, with the next run from the cron in the zone', () => {
    const h = targetHealth(target(), log({ lastRunAt: '2026-11-28T00:00:05Z', lastGoodAt: '2026-11-28T00:00:05Z' }), 42, now, TZ);
    expect(h).toMatchObject({ status: 'healthy', items: 42, nextRunAt: '2026-11-29T00:00:00.000Z' });
  });

  it('failing: since when, how many, which class and HTTP status', () => {
    const h = targetHealth(
      target(),
      log({ lastRunAt: '2026-11-28T00:00:05Z', lastGoodAt: '2026-11-25T00:00:04Z', consecutiveFailures: 3, failingSince: '2026-11-26T00:00:03Z', lastFailure: { class: 'http_503', message: 'the site answered HTTP 503', httpStatus: 503 } }),
      40,
      now,
      TZ,
    );
    expect(h).toMatchObject({ status: 'failing', failures: 3, failingSince: '2026-11-26T00:00:03Z', failureClass: 'http_503', httpStatus: 503 });
  });

  it('stale once two scheduled runs went by without a good one', () => {
    // Daily at 08:00 Shanghai; last good 11-26 08:00: runs due 11-27 and 11-28 08:00 both passed.
    expect(targetHealth(target(), log({ lastRunAt: '2026-11-26T00:00:05Z', lastGoodAt: '2026-11-26T00:00:05Z' }), 3, now, TZ).status).toBe('stale');
    // Only one missed (11-28 08:00): not stale yet, the daemon may be running it.
    expect(targetHealth(target(), log({ lastRunAt: '2026-11-27T00:00:05Z', lastGoodAt: '2026-11-27T00:00:05Z' }), 3, now, TZ).status).toBe('healthy');
    // An hourly target is stale after two hours.
    expect(targetHealth(target('0 * * * *'), log({ lastRunAt: '2026-11-28T07:30:00Z', lastGoodAt: '2026-11-28T07:30:00Z' }), 3, now, TZ).status).toBe('stale');
  });

  it('never_run and disabled', () => {
    expect(targetHealth(target(), log(), null, now, TZ)).toMatchObject({ status: 'never_run', items: null });
    expect(targetHealth(target('0 8 * * *', false), log(), null, now, TZ)).toMatchObject({ status: 'disabled', nextRunAt: null });
  });

  it('a schedule it cannot read is reported, not thrown', () => {
    const h = targetHealth(target('every morning'), log({ lastRunAt: '2026-11-28T00:00:05Z', lastGoodAt: '2026-11-28T00:00:05Z' }), 1, now, TZ);
    expect(h.nextRunAt).toBeNull();
    expect(h.scheduleProblem).toMatch(/invalid cron/);
  });
});
