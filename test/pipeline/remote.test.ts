/**
 * A run split between a worker and the coordinator (distributed mode, without Redis here): the
 * worker checks each page against the profile of the last good run the coordinator sent with the
 * job, so a cut-off page fails there exactly as in a local run, and the snapshot stays as it was.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { loadRules, loadTargetFile } from '../../src/config/load.js';
import { HostQueues } from '../../src/fetch/host-queue.js';
import { makeFetcher } from '../../src/fetch/registry.js';
import { RobotsCache } from '../../src/fetch/robots.js';
import { scrapeForCoordinator, settleScraped, type WorkerScrapeDeps } from '../../src/pipeline/remote.js';
import { readSnapshot, snapshotFile } from '../../src/store/snapshot.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

describe('a run scraped by a worker and settled by the coordinator', () => {
  let site: FixtureServer;
  let ws: Workspace;
  /** Page 2 sent cut short: a closed document with all its items but a fraction of last time's bytes. */
  let shortPage = false;
  beforeAll(async () => {
    site = await startServer({
      '/list': (_req, res, url) => {
        const page = Number(url.searchParams.get('page') ?? 1);
        const items = 8;
        const filler = shortPage && page === 2 ? '' : `<p class="about">${'产品介绍 '.repeat(800)}</p>`;
        const lis = Array.from({ length: items }, (_, i) => `<li class="p" data-sku="s${page}-${i}"><b class="n">空调 ${page}-${i}</b><i class="pr">¥${1000 + i}</i></li>`).join('');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html><body><ul>${lis}</ul>${filler}</body></html>`);
      },
    });
    ws = makeWorkspace();
  });
  afterAll(async () => {
    await site.close();
    ws.cleanup();
  });

  it('the page profile goes to the worker: a cut-off page fails there and the snapshot is untouched', async () => {
    const target = loadTargetFile(
      ws.writeTarget(
        'shop.yaml',
        `id: shop\nkind: price\ncompetitor: Shop\nregion: east\nfetch:\n  url: ${site.url}/list?page={page}\n  pages: 1..3\n  min_interval_ms: 0\n  retries: 0\nitems:\n  each: "li.p"\n  key: "@data-sku"\n  fields: { name: ".n", price: ".pr" }\n`,
      ),
    );
    const rules = loadRules(`${ws.home}/rules`);
    const queues = new HostQueues({ globalConcurrency: 4, perHostConcurrency: 2, minIntervalMs: 0 });
    const worker: WorkerScrapeDeps = { fetcher: makeFetcher('http')!, ctx: { schedule: (u, t) => queues.schedule(u, t, 0), robots: new RobotsCache() } };
    const recorded: Alert[] = [];
    const settle = { rules, stateDir: ws.state, now: () => new Date(), record: (a: Alert[]) => recorded.push(...a) };

    // The first run: good, and its pages become the profile.
    const first = await scrapeForCoordinator(target, worker);
    const good = await settleScraped(target, { job: 'shop@1', ...first }, settle);
    expect(good.verdict).toBe('good');
    expect(good.items).toBe(24);
    const profile = readSnapshot(ws.state, 'shop')!.pages!;
    expect(profile.bytes).toHaveLength(3);
    expect(profile.bytes[1]).toBeGreaterThan(8000);

    // Page 2 arrives cut short. Without the profile the worker could not tell...
    shortPage = true;
    const blind = await scrapeForCoordinator(target, worker);
    expect(blind.outcome.ok).toBe(true);
    // ...with it (what the coordinator puts in the job), the run fails and nothing moves.
    const before = readFileSync(snapshotFile(ws.state, 'shop'), 'utf8');
    const second = await scrapeForCoordinator(target, { ...worker, profile });
    expect(second.outcome.ok).toBe(false);
    const failed = await settleScraped(target, { job: 'shop@2', ...second }, settle);
    expect(failed.verdict).toBe('failed');
    expect(failed.failure?.message).toMatch(/page 2 of 3 is .* KB, the last good run.s was .* KB/);
    expect(readFileSync(snapshotFile(ws.state, 'shop'), 'utf8')).toBe(before);
  });
});
