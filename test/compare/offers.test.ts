import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOffers } from '../../src/compare/offers.js';
import { resolvePaths } from '../../src/config/load.js';

const home = mkdtempSync(join(tmpdir(), 'radar-offers-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const paths = resolvePaths({ home, stateDir: join(home, 'state') });
mkdirSync(join(home, 'scrapers'));
mkdirSync(join(home, 'state', 'targets'), { recursive: true });

const NOW = new Date('2026-11-28T08:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

function target(id: string, region: string) {
  writeFileSync(join(home, 'scrapers', `${id}.yaml`), `id: ${id}\ncompetitor: ${id.toUpperCase()}\nregion: ${region}\nfetch: { url: "http://127.0.0.1:1/" }\n`);
}

function snapshot(id: string, lastGoodAt: string | null, items: Record<string, { amount: number | null; missingRuns?: number; gtin?: string }>, history: Record<string, number[]> = {}) {
  // A version-1 file (keyed objects), as sales-radar wrote before 2026-11: still read as is.
  const snap = {
    version: 1,
    targetId: id,
    kind: 'price',
    lastGoodAt,
    lastGoodCount: Object.keys(items).length,
    items: Object.fromEntries(
      Object.entries(items).map(([key, v]) => [key, { key, data: { name: `item ${key}`, amount: v.amount, currency: 'CNY', url: `http://x/${key}`, from: false, ...(v.gtin ? { gtin: v.gtin } : {}) }, firstSeen: hoursAgo(100), lastSeen: lastGoodAt ?? '', missingRuns: v.missingRuns ?? 0 }]),
    ),
    history: Object.fromEntries(Object.entries(history).map(([k, pts]) => [k, pts.map((amount, i) => ({ at: hoursAgo(50 - i), amount, currency: 'CNY' }))])),
    kindState: {},
  };
  writeFileSync(join(home, 'state', 'targets', `${id}.snapshot.json`), JSON.stringify(snap));
}

describe('competitor offers from snapshots', () => {
  it('uses the last good data of each price target, with its region and previous price', () => {
    target('fresh', 'east');
    snapshot('fresh', hoursAgo(2), { a: { amount: 2299, gtin: '6901234567892' }, b: { amount: null }, gone: { amount: 999, missingRuns: 1 } }, { a: [2599, 2299] });
    target('stale', 'south');
    snapshot('stale', hoursAgo(24 * 5), { s: { amount: 100 } });
    target('never', 'south');
    const r = loadOffers(paths, NOW, 3);
    // "面议" (no amount) and items missing from the last good run are not prices to compare with.
    expect(r.offers.map((o) => [o.targetId, o.competitor, o.region, o.key, o.amount, o.previousAmount, o.gtin])).toEqual([['fresh', 'FRESH', 'east', 'a', 2299, 2599, '6901234567892']]);
    expect(r.skipped).toEqual([
      { targetId: 'never', reason: 'no good run yet' },
      { targetId: 'stale', reason: 'last good data is 5.0 days old (max_age_days: 3)' },
    ]);
    expect(r.regions).toEqual(['east', 'south']);
    // With a longer max age the stale target counts again.
    expect(loadOffers(paths, NOW, 7).offers.map((o) => o.key)).toEqual(['a', 's']);
  });
});
