import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatInZone } from '../parse/date.js';
import { esc, type DemoSite } from './site.js';

interface DemoNotice {
  id: string;
  both?: boolean;
  title: string;
  area: string;
  number: string;
  budget: string;
  budgetUnit: string;
  publishedDaysAgo: number;
  deadlineInDays: number;
  deadlineTime: string;
  buyer: string;
  agency: string;
  category: string;
  scope: string;
}

interface TenderData {
  notices: DemoNotice[];
  added: DemoNotice[];
}

const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';

/** `2026-12-01 09:30` in Shanghai for a notice's deadline: whole days keep the notice's own time. */
function deadlineOf(n: DemoNotice, now: number): string {
  if (Number.isInteger(n.deadlineInDays)) return `${formatInZone(new Date(now + n.deadlineInDays * DAY), TZ).slice(0, 10)} ${n.deadlineTime}`;
  const half = 30 * 60_000;
  return formatInZone(new Date(Math.round((now + n.deadlineInDays * DAY) / half) * half), TZ);
}

const cn = (local: string) => local.replace(/^(\d{4})-(\d{2})-(\d{2})/, '$1年$2月$3日');

/**
 * Two tender sources: a government procurement portal (a plain list; budget, deadline and buyer
 * only in each notice's free text) and a bidding platform that lists one of the same tenders
 * in its own words, with the tender number in the table.
 */
export function mountTenders(site: DemoSite, dataDir: string): void {
  const data = JSON.parse(readFileSync(join(dataDir, 'tenders.json'), 'utf8')) as TenderData;
  const now = Date.now();
  let listed = [...data.notices];
  site.onChange(() => {
    listed = [...data.added, ...listed];
  });
  const page = (title: string, body: string) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
  const send = (res: import('node:http').ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };

  site.route('/gov/tenders', (_req, res) => {
    const rows = listed
      .map((n) => `<li><a href="/gov/notice/${esc(n.id)}.html" title="${esc(n.title)}">${esc(n.title)}</a><span class="area">${esc(n.area)}</span><span class="date">${formatInZone(new Date(now - n.publishedDaysAgo * DAY), TZ).slice(0, 10)}</span></li>`)
      .join('\n');
    send(res, 200, page('示范省政府采购网 · 采购公告', `<ul class="notice-list">\n${rows}\n</ul>`));
  });

  site.route('/gov/notice', (_req, res) => send(res, 404, page('404', '')));
  for (const n of [...data.notices, ...data.added]) {
    site.route(`/gov/notice/${n.id}.html`, (_req, res) => {
      if (!listed.includes(n)) return send(res, 404, page('公告不存在', ''));
      const published = formatInZone(new Date(now - n.publishedDaysAgo * DAY), TZ);
      send(
        res,
        200,
        page(
          n.title,
          `<div class="meta">发布时间：${esc(published)}</div>
<div class="content">
<p>一、项目基本情况</p>
<p>项目编号：${esc(n.number)}</p>
<p>项目名称：${esc(n.title.replace(/(公开招标|竞争性磋商|招标)?公告$/, ''))}</p>
<p>采购方式：公开招标</p>
<p>预算金额（${esc(n.budgetUnit)}）：${esc(n.budget)}</p>
<p>采购类别：${esc(n.category)}</p>
<p>采购需求：${esc(n.scope)}</p>
<p>二、申请人的资格要求：详见招标文件。</p>
<p>三、提交投标文件截止时间、开标时间和地点</p>
<p>提交投标文件截止时间：${esc(cn(deadlineOf(n, now)))}（北京时间）</p>
<p>四、对本次招标提出询问，请按以下方式联系</p>
<table class="contact"><tr><td>采购人</td><td>${esc(n.buyer)}</td></tr><tr><td>采购代理机构</td><td>${esc(n.agency)}</td></tr><tr><td>项目所在地</td><td>${esc(n.area)}</td></tr></table>
</div>`,
        ),
      );
    });
  }

  site.route('/bid/list.html', (_req, res) => {
    const rows = listed
      .filter((n) => n.both)
      .map(
        (n) =>
          `<tr class="bid"><td class="no">${esc(n.number)}</td><td class="name"><a href="/bid/detail?id=${esc(n.id)}">${esc(n.title.replace(/公开招标公告$/, '招标公告'))}</a></td><td class="money">${esc(n.budget)}${esc(n.budgetUnit)}</td><td class="end">${esc(cn(deadlineOf(n, now)))}</td><td class="owner">${esc(n.buyer)}</td><td class="where">${esc(n.area)}</td></tr>`,
      )
      .join('\n');
    send(res, 200, page('示范招标采购平台', `<table id="bids"><tr><th>编号</th><th>项目</th><th>预算</th><th>截止</th><th>招标人</th><th>地区</th></tr>\n${rows}\n</table>`));
  });
}
