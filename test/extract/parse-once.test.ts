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
const { readPage } = await import('../../src/pipeline/scrape.js');

const URL_ = 'https://careers.example/jobs';
const posting = (n: number) => ({ '@context': 'https://schema.org', '@type': 'JobPosting', title: `销售经理 ${n}`, url: `${URL_}/${n}`, datePosted: '2026-11-02', jobLocation: { address: { addressLocality: '上海' } } });
const html = `<html><head><script type="application/ld+json">${JSON.stringify([posting(1), posting(2)])}</script></head><body><h1>Jobs</h1></body></html>`;

describe('a listing page read by its kind', () => {
  it('is parsed once and gives the kind its JSON-LD postings', () => {
    const t = { ...targetSchema.parse({ id: 'jobs', kind: 'job', competitor: 'C', region: 'east', fetch: { url: URL_ } }), file: 'jobs.yaml' };
    const page = { requestedUrl: URL_, url: URL_, status: 200, headers: {}, text: html, charset: 'utf-8', bytes: html.length };
    parsed.count = 0;
    const ex = readPage(URL_, page, t, {}, jobKind);
    expect(ex.items.map((i) => i.key)).toEqual([`${URL_}/1`, `${URL_}/2`]);
    expect(ex.items[0]?.fields.title).toBe('销售经理 1');
    expect(parsed.count).toBe(1);
  });
});
