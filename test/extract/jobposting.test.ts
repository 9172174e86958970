import { describe, expect, it } from 'vitest';
import { extractJobPostings, jobPostingFromJsonLd, type JobPostingData } from '../../src/extract/jobposting.js';
import { prng } from '../helpers/random-strings.js';

const URL = 'https://jobs.example.cn/list?page=1';

function page(...blocks: string[]): string {
  return `<!doctype html><html><head><title>jobs</title>${blocks
    .map((b) => `<script type="application/ld+json">${b}</script>`)
    .join('\n')}</head><body><h1>招聘</h1></body></html>`;
}

const FULL = {
  '@context': 'https://schema.org',
  '@type': 'JobPosting',
  title: '高级前端工程师',
  hiringOrganization: { '@type': 'Organization', name: '某某科技有限公司' },
  jobLocation: {
    '@type': 'Place',
    address: { '@type': 'PostalAddress', addressLocality: '杭州', addressRegion: '浙江', addressCountry: 'CN' },
  },
  baseSalary: {
    '@type': 'MonetaryAmount',
    currency: 'CNY',
    value: { '@type': 'QuantitativeValue', minValue: 15000, maxValue: 25000, unitText: 'MONTH' },
  },
  datePosted: '2026-03-05',
  validThrough: '2026-04-05T23:59:59+08:00',
  employmentType: 'FULL_TIME',
  url: '/job/123',
};

type Case = [name: string, html: string, expected: Array<Partial<JobPostingData>>];

const CASES: Case[] = [
  [
    'full posting with Organization, Place and QuantitativeValue',
    page(JSON.stringify(FULL)),
    [
      {
        title: '高级前端工程师',
        company: '某某科技有限公司',
        city: '杭州',
        region: '浙江',
        country: 'CN',
        salary: {
          min: 15000,
          max: 25000,
          period: 'month',
          monthsPerYear: null,
          currency: 'CNY',
          negotiable: false,
          annualMin: 180000,
          annualMax: 300000,
        },
        datePosted: new Date('2026-03-04T16:00:00Z'),
        validThrough: new Date('2026-04-05T15:59:59Z'),
        url: 'https://jobs.example.cn/job/123',
        employmentType: 'FULL_TIME',
      },
    ],
  ],
  [
    'array of postings, string company, plain-number salary',
    page(
      JSON.stringify([
        { '@type': 'JobPosting', title: '销售经理', hiringOrganization: '甲公司', baseSalary: 12000, salaryCurrency: 'CNY' },
        { '@type': 'JobPosting', title: '销售代表', hiringOrganization: '乙公司', baseSalary: '8-12K·13薪' },
      ]),
    ),
    [
      { title: '销售经理', company: '甲公司', salary: { min: 12000, max: 12000, period: 'month', monthsPerYear: null, currency: 'CNY', negotiable: false, annualMin: 144000, annualMax: 144000 } },
      { title: '销售代表', company: '乙公司', salary: { min: 8000, max: 12000, period: 'month', monthsPerYear: 13, currency: 'CNY', negotiable: false, annualMin: 104000, annualMax: 156000 } },
    ],
  ],
  [
    '@graph with other nodes',
    page(
      JSON.stringify({
        '@context': 'https://schema.org',
        '@graph': [
          { '@type': 'WebSite', name: 'jobs' },
          { '@type': 'Organization', name: 'X' },
          { '@type': ['JobPosting'], title: 'Data Engineer', hiringOrganization: { name: 'Acme Inc.' }, url: 'https://acme.example/jobs/9' },
        ],
      }),
    ),
    [{ title: 'Data Engineer', company: 'Acme Inc.', url: 'https://acme.example/jobs/9' }],
  ],
  [
    'ItemList of ListItem.item',
    page(
      JSON.stringify({
        '@type': 'ItemList',
        itemListElement: [
          { '@type': 'ListItem', position: 1, item: { '@type': 'JobPosting', title: 'A' } },
          { '@type': 'ListItem', position: 2, item: { '@type': 'JobPosting', title: 'B' } },
        ],
      }),
    ),
    [{ title: 'A', url: URL }, { title: 'B', url: URL }],
  ],
  [
    'jobLocation array, Country object, hourly USD, employmentType array',
    page(
      JSON.stringify({
        '@type': 'http://schema.org/JobPosting',
        name: 'Barista',
        hiringOrganization: [{ '@type': 'Organization', name: 'Bean Co' }],
        jobLocation: [
          { '@type': 'Place', name: 'Remote' },
          { '@type': 'Place', address: { addressLocality: 'New York', addressRegion: 'NY', addressCountry: { '@type': 'Country', name: 'US' } } },
        ],
        baseSalary: { '@type': 'MonetaryAmount', currency: 'usd', value: { '@type': 'QuantitativeValue', value: '18.50', unitText: 'HOUR' } },
        employmentType: ['PART_TIME', 'TEMPORARY'],
        datePosted: '2026-03-05T09:00:00-05:00',
      }),
    ),
    [
      {
        title: 'Barista',
        company: 'Bean Co',
        city: 'New York',
        region: 'NY',
        country: 'US',
        salary: { min: 18.5, max: 18.5, period: 'hour', monthsPerYear: null, currency: 'USD', negotiable: false, annualMin: 38628, annualMax: 38628 },
        employmentType: 'PART_TIME, TEMPORARY',
        datePosted: new Date('2026-03-05T14:00:00Z'),
      },
    ],
  ],
  [
    'broken block is skipped, good block still read',
    page('{ "@type": "JobPosting", "title": "broken"', JSON.stringify({ '@type': 'JobPosting', title: 'ok' })),
    [{ title: 'ok' }],
  ],
  [
    'repairable block: HTML comment, trailing commas, raw newline in a string',
    page('<!-- {"@type":"JobPosting","title":"运营\n专员","hiringOrganization":{"name":"丙公司",},} -->'),
    [{ title: '运营 专员', company: '丙公司' }],
  ],
  [
    'no unitText: period inferred; yearly salary annual as is; entities decoded',
    page(
      JSON.stringify({
        '@type': 'JobPosting',
        title: 'R&amp;D Lead &lt;Senior&gt;',
        hiringOrganization: 'Foo &amp; Bar',
        baseSalary: { '@type': 'MonetaryAmount', currency: 'EUR', value: { minValue: 60000, maxValue: 80000 } },
      }),
    ),
    [
      {
        title: 'R&D Lead <Senior>',
        company: 'Foo & Bar',
        salary: { min: 60000, max: 80000, period: 'year', monthsPerYear: null, currency: 'EUR', negotiable: false, annualMin: 60000, annualMax: 80000 },
      },
    ],
  ],
  [
    'MonetaryAmount with a string value and unitText on the amount',
    page(JSON.stringify({ '@type': 'JobPosting', title: '客服', baseSalary: { currency: 'CNY', value: '4000-6000', unitText: 'MONTH' } })),
    [{ title: '客服', salary: { min: 4000, max: 6000, period: 'month', monthsPerYear: null, currency: 'CNY', negotiable: false, annualMin: 48000, annualMax: 72000 } }],
  ],
  [
    'estimatedSalary when baseSalary is missing; PostalAddress string address',
    page(
      JSON.stringify({
        '@type': 'JobPosting',
        title: '仓库管理员',
        jobLocation: { '@type': 'Place', address: '上海市浦东新区' },
        estimatedSalary: [{ '@type': 'MonetaryAmountDistribution', currency: 'CNY', minValue: 5000, maxValue: 7000, unitText: 'MONTH' }],
      }),
    ),
    [{ title: '仓库管理员', city: '上海市浦东新区', salary: { min: 5000, max: 7000, period: 'month', monthsPerYear: null, currency: 'CNY', negotiable: false, annualMin: 60000, annualMax: 84000 } }],
  ],
  [
    'non-JobPosting JSON-LD and other scripts are ignored',
    `<html><head><script type="application/ld+json">{"@type":"Product","name":"x"}</script><script>var a = {"@type":"JobPosting"};</script></head></html>`,
    [],
  ],
  ['empty and garbage HTML', '<<<>>> not html at all <script type="application/ld+json">null</script>', []],
  [
    'datePosted in the page zone; invalid validThrough → null; bad url falls back to the page',
    page(JSON.stringify({ '@type': 'JobPosting', title: 'T', datePosted: '2026年3月5日', validThrough: 'soon', url: 'http://[bad' })),
    [{ title: 'T', datePosted: new Date('2026-03-04T16:00:00Z'), validThrough: null, url: URL }],
  ],
];

describe('extractJobPostings', () => {
  it.each(CASES)('%s', (_name, html, expected) => {
    const got = extractJobPostings(html, { url: URL });
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(got[i]).toMatchObject(e));
  });

  it('uses the given time zone for dates without an offset', () => {
    const got = extractJobPostings(page(JSON.stringify({ '@type': 'JobPosting', title: 'T', datePosted: '2026-07-01' })), {
      url: URL,
      timeZone: 'America/New_York',
    });
    expect(got[0]?.datePosted?.toISOString()).toBe('2026-07-01T04:00:00.000Z');
  });

  it('fills every field with null when missing', () => {
    expect(jobPostingFromJsonLd({ '@type': 'JobPosting' }, { url: URL })).toEqual({
      title: null,
      company: null,
      city: null,
      region: null,
      country: null,
      salary: null,
      datePosted: null,
      validThrough: null,
      url: URL,
      employmentType: null,
    });
  });
});

describe('jobPostingFromJsonLd', () => {
  it.each([null, undefined, 42, 'JobPosting', [], { '@type': 'Product' }, { title: 'no type' }])('%j → null', (v) => {
    expect(jobPostingFromJsonLd(v, { url: URL })).toBeNull();
  });
});

describe('never throws', () => {
  it('2,000 random strings and random JSON-LD bodies', () => {
    const rnd = prng(4);
    const pieces = ['{', '}', '[', ']', ',', ':', '"@type"', '"JobPosting"', '"title"', '"baseSalary"', '"value"', '"minValue"', '1e400', 'null', '"x"', '<', '>', '</script>', '<script type="application/ld+json">', '"@graph"', '"jobLocation"', '"address"', '\u0000', '😀'];
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const len = Math.floor(rnd() * 40);
      for (let j = 0; j < len; j++) s += pieces[Math.floor(rnd() * pieces.length)]!;
      expect(Array.isArray(extractJobPostings(s, { url: URL }))).toBe(true);
      expect(Array.isArray(extractJobPostings(page(s), { url: URL }))).toBe(true);
      let parsed: unknown = s;
      try {
        parsed = JSON.parse(s);
      } catch {
        // keep the string
      }
      expect(() => jobPostingFromJsonLd(parsed, { url: URL })).not.toThrow();
    }
  });
});
