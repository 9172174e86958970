/**
 * A listing page is parsed once, also when its kind reads the page's own structured data (a job
 * board's JSON-LD JobPostings): the kind is handed the tree extraction already has.
 */
import { describe, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/extract/selector.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/extract/selector.js')>();
  return { ...real, loadHtml: (...args: Parameters<typeof real.loadHtml>) => (parsed.count++, real.loadHtml(...args)) };
});

const { targetSchema } = await import('../../src/config/target-schema.js');
const { jobKind } = await import('../../src/kinds/job.js');
const { mentionKind } = await import('../../src/kinds/mention.js');
const { readPage } = await import('../../src/pipeline/scrape.js');

const URL_ = 'https://careers.example/jobs';
const posting = (n: number) => ({ '@context': 'https://schema.org', '@type': 'JobPosting', title: `销售经理 ${n}`, url: `${URL_}/${n}`, datePosted: '2026-11-02', jobLocation: { address: { addressLocality: '上海' } } });
const html = `<html><head><script type="application/ld+json">${JSON.stringify([posting(1), posting(2)])}</script></head><body><h1>Jobs</h1></body></html>`;

describe('a listing page read by its kind', () => {
  it('is parsed once and gives the kind its JSON-LD postings', () => {
    const t = { ...targetSchema.parse({ id: 'jobs', kind: 'job', competitor: 'C', region: 'east', fetch: { url: URL_ } }), file: 'jobs.yaml' };
    const page = { requestedUrl: URL_, url: URL_, status: 200, headers: {}, text: html, charset: 'utf-8', bytes: html.length };
    parsed.count = 0;
    const { ex } = readPage(URL_, page, t, {}, jobKind);
    expect(ex.items.map((i) => i.key)).toEqual([`${URL_}/1`, `${URL_}/2`]);
    expect(ex.items[0]?.fields.title).toBe('销售经理 1');
    expect(parsed.count).toBe(1);
  });

  it('is not parsed as HTML at all when the kind reads the text itself (a feed)', () => {
    const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><item><title>Acme 降价</title><link>https://news.example/1</link><pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>`;
    const t = { ...targetSchema.parse({ id: 'news', kind: 'mention', competitor: 'C', region: 'east', fetch: { url: 'https://news.example/rss' } }), file: 'news.yaml' };
    parsed.count = 0;
    const { ex } = readPage(t.fetch.url, { requestedUrl: t.fetch.url, url: t.fetch.url, status: 200, headers: {}, text: feed, charset: 'utf-8', bytes: feed.length }, t, {}, mentionKind);
    expect(ex.items.map((i) => i.fields.title)).toEqual(['Acme 降价']);
    expect(parsed.count).toBe(0);
  });
});
