import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { formatInZone } from '../parse/date.js';
import { esc, type DemoSite } from './site.js';

interface DemoPosting {
  id: string;
  title: string;
  city: string;
  weeksAgo: number;
  pay?: [number, number];
  salary?: string;
}

interface CareersData {
  acme: { company: string; postings: DemoPosting[]; added: DemoPosting[] };
  bolt: { company: string; postings: DemoPosting[]; added: DemoPosting[]; raise: Record<string, string> };
}

const WEEK = 7 * 86_400_000;

/**
 * Two competitors' careers pages: Acme's lists its openings as schema.org JobPostings (JSON-LD),
 * Bolt's page fills itself from a JSON API, which the target reads directly. Posting dates reach back a few weeks, so the first run
 * already has a weekly baseline; before the second run Acme hires sales people in Shenzhen,
 * Bolt opens in Hangzhou and raises its Guangzhou sales pay.
 */
export function mountCareers(site: DemoSite, dataDir: string): void {
  const data = JSON.parse(readFileSync(join(dataDir, 'careers.json'), 'utf8')) as CareersData;
  const now = Date.now();
  const acme = [...data.acme.postings];
  const bolt = data.bolt.postings.map((p) => ({ ...p }));
  site.onChange(() => {
    acme.push(...data.acme.added);
    for (const p of bolt) p.salary = data.bolt.raise[p.id] ?? p.salary;
    bolt.push(...data.bolt.added);
  });
  const posted = (p: DemoPosting) => formatInZone(new Date(now - p.weeksAgo * WEEK), 'Asia/Shanghai').slice(0, 10);
  const send = (res: ServerResponse, type: string, body: string) => {
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` });
    res.end(body);
  };
  const jsonLd = (company: string, list: DemoPosting[], base: string) => ({
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    itemListElement: list.map((p, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      item: {
        '@type': 'JobPosting',
        title: p.title,
        url: `${base}/${p.id}`,
        datePosted: posted(p),
        hiringOrganization: { '@type': 'Organization', name: company },
        jobLocation: { '@type': 'Place', address: { '@type': 'PostalAddress', addressLocality: p.city, addressCountry: 'CN' } },
        ...(p.pay ? { baseSalary: { '@type': 'MonetaryAmount', currency: 'CNY', value: { '@type': 'QuantitativeValue', minValue: p.pay[0], maxValue: p.pay[1], unitText: 'MONTH' } } } : {}),
        ...(p.salary ? { baseSalary: p.salary } : {}),
      },
    })),
  });
  // "</script>" inside a title must not end the JSON-LD block early.
  const ldScript = (v: unknown) => `<script type="application/ld+json">${JSON.stringify(v).replace(/</g, '\\u003c')}</script>`;
  const page = (title: string, ld: unknown, list: DemoPosting[]) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title>${ldScript(ld)}</head><body><h1>${esc(title)}</h1><ul class="jobs">${list
      .map((p) => `<li><span class="t">${esc(p.title)}</span> · <span class="c">${esc(p.city)}</span> · <span class="d">${posted(p)}</span></li>`)
      .join('')}</ul></body></html>`;

  site.route('/acme/careers', (_req, res) => send(res, 'text/html', page(`${data.acme.company} · 社会招聘`, jsonLd(data.acme.company, acme, '/acme/careers/job'), acme)));

  site.route('/bolt/api/jobs', (_req, res, url) => {
    const size = 20;
    const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    const list = bolt.slice((pageNo - 1) * size, pageNo * size).map((p) => ({
      jobId: p.id,
      jobName: p.title,
      workCity: p.city,
      salaryDesc: p.salary ?? '面议',
      publishTime: `${posted(p)} 10:00:00`,
      detailUrl: `/bolt/jobs/${p.id}.html`,
    }));
    send(res, 'application/json', JSON.stringify({ code: 0, msg: 'ok', data: { total: bolt.length, page: pageNo, list } }));
  });
}
