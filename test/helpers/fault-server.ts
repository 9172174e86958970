import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { BLOCK_PAGES } from './block-pages.js';

/**
 * A shop on 127.0.0.1 that can misbehave in every way real sites do. `/list` answers according to
 * `fault`; every request is recorded with its arrival time, so politeness (retries, Retry-After,
 * robots.txt) is measured here, by the server, never by sleeping in a test.
 */
export type Fault =
  | 'ok'
  | 'http_500'
  | 'http_503_retry_after'
  | 'http_429'
  | 'http_404'
  | 'reset'
  | 'slow'
  | 'truncated'
  | 'captcha'
  | 'captcha_cn'
  | 'login_redirect'
  | 'redirect_loop'
  | 'layout_changed'
  | 'half_items'
  | 'prices_missing'
  | 'prices_unreadable'
  | 'huge_body'
  | 'wrong_charset'
  | 'utf8_declared_gbk'
  | 'garbled'
  // a 200 page that is not whole
  | 'cut_mid_document'
  | 'short_page'
  | 'small_page'
  // pagination
  | 'ignores_page'
  | 'repeats_page'
  // a CDN/WAF block page with status 200 (which one: `blockPage`)
  | 'block_200'
  // prices that are not what they seem
  | 'unit_glitch';

export interface Product {
  sku: string;
  name: string;
  price: string;
  /** Availability as the shop words it ("有货", "缺货"); no element when absent. */
  stock?: string;
}

export interface Hit {
  path: string;
  method: string;
  at: number;
  headers: IncomingMessage['headers'];
}

export interface FaultServer {
  url: string;
  fault: Fault;
  /** For 503/429: answer with the fault this many times, then normally (Infinity = always). */
  faultTimes: number;
  retryAfter: string;
  /** Milliseconds `slow` waits before answering. */
  slowMs: number;
  /** robots.txt body; null answers 404. */
  robots: string | null;
  products: Product[];
  /** Products per page when a request names `?page=N` (a request without it gets them all). */
  perPage: number;
  /** For `block_200`: which vendor's page (a key of BLOCK_PAGES). */
  blockPage: string;
  hits: Hit[];
  hitsOf(path: string): Hit[];
  close(): Promise<void>;
}

export function defaultProducts(n = 10): Product[] {
  return Array.from({ length: n }, (_v, i) => ({ sku: `S${i + 1}`, name: `空调 KFR-${20 + i}GW 型号${i + 1}`, price: `￥${(2000 + i * 100).toLocaleString('en-US')}` }));
}

/** A shop's chrome around the list: real listing pages are mostly this (navigation, scripts, footer). */
const NAV = `<nav class="top">${['首页', '空调', '冰箱', '洗衣机', '电视', '厨卫', '小家电', '手机', '电脑', '会员中心', '购物车', '帮助中心'].map((c, i) => `<a href="/c/${i}">${c}</a>`).join(' ')}</nav>`;
const SCRIPT = `<script>window.__CONFIG__=${JSON.stringify({ cdn: 'https://static.shop.example', ab: Array.from({ length: 40 }, (_v, i) => `exp_${i}`), track: true })};</script>`;
const FOOTER = `<footer>${'关于我们 联系方式 售后服务 '.repeat(20)}<p>${'正品保证 全国联保 七天无理由退货 '.repeat(30)}</p><p>© 2026 shop.example 沪ICP备00000000号</p></footer>`;

export function productHtml(p: Product): string {
  return `<li class="product" data-sku="${p.sku}"><a href="/p/${p.sku}"><span class="title">${p.name}</span></a> <span class="price">${p.price}</span>${p.stock ? ` <span class="stock">${p.stock}</span>` : ''}</li>`;
}

export function listHtml(products: Product[], charsetMeta = ''): string {
  return `<!doctype html><html><head>${charsetMeta}<title>空调 - 商品列表</title>${SCRIPT}</head><body>${NAV}<h1>商品列表</h1><ul class="list">${products.map(productHtml).join('')}</ul>${FOOTER}</body></html>`;
}

const CLOUDFLARE = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="refresh" content="390"></head>
<body><div class="main-wrapper"><h1>www.shop.example</h1><h2>Checking if the site connection is secure</h2>
<noscript>Enable JavaScript and cookies to continue</noscript><form id="challenge-form" action="/list?__cf_chl_f_tk=abc" method="POST"></form>
<script>window._cf_chl_opt={cvId:'3',cZone:'www.shop.example'};</script></div></body></html>`;

const SLIDER_CN = `<!doctype html><html><head><meta charset="utf-8"><title>验证</title></head><body>
<div id="nocaptcha"><p>亲，请拖动下方滑块完成验证</p><div id="nc_1_n1z" class="nc_iconfont btn_slide"></div></div>
<p>访问过于频繁，请完成安全验证后继续访问</p></body></html>`;

const LOGIN = `<!doctype html><html><head><meta charset="utf-8"><title>会员登录</title></head><body>
<form action="/login" method="post"><h2>登录</h2><input name="user" type="text"><input name="pass" type="password"><button>登录</button></form></body></html>`;

export async function startFaultServer(): Promise<FaultServer> {
  const timers = new Set<NodeJS.Timeout>();
  const state: Omit<FaultServer, 'url' | 'close' | 'hitsOf'> = {
    fault: 'ok',
    faultTimes: Infinity,
    retryAfter: '1',
    slowMs: 5000,
    robots: null,
    products: defaultProducts(),
    perPage: 4,
    blockPage: 'akamai_entities',
    hits: [],
  };
  let faultsServed = 0;

  const ok = (res: ServerResponse, body: string | Buffer, type = 'text/html; charset=utf-8', status = 200, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, ...headers });
    res.end(body);
  };

  const list = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const asked = Number(url.searchParams.get('page') ?? NaN);
    const paged = Number.isInteger(asked) && asked >= 1;
    const page = paged ? asked : 1;
    const pages = paged ? Math.max(1, Math.ceil(state.products.length / state.perPage)) : 1;
    const pageOf = (n: number) => (paged ? state.products.slice((n - 1) * state.perPage, n * state.perPage) : state.products);
    const products = pageOf(page);
    const f = state.fault;
    const limited = f === 'http_503_retry_after' || f === 'http_429';
    if (limited && faultsServed >= state.faultTimes) return ok(res, listHtml(products));
    if (limited) faultsServed++;
    switch (f) {
      case 'ok':
        return ok(res, listHtml(products));
      case 'http_500':
        return ok(res, '<h1>500 Internal Server Error</h1><p>upstream failed</p>', 'text/html', 500);
      case 'http_404':
        return ok(res, '<h1>Not Found</h1>', 'text/html', 404);
      case 'http_503_retry_after':
        return ok(res, '<h1>Service Unavailable</h1><p>maintenance</p>', 'text/html', 503, { 'retry-after': state.retryAfter });
      case 'http_429':
        return ok(res, '<h1>Too Many Requests</h1>', 'text/html', 429, { 'retry-after': state.retryAfter });
      case 'reset':
        req.socket.destroy();
        return;
      case 'slow': {
        const t = setTimeout(() => ok(res, listHtml(products)), state.slowMs);
        timers.add(t);
        return;
      }
      case 'truncated': {
        const body = Buffer.from(listHtml(products));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        return;
      }
      case 'captcha':
        return ok(res, CLOUDFLARE, 'text/html; charset=UTF-8', 403, { server: 'cloudflare', 'cf-mitigated': 'challenge', 'cf-ray': '8c1f-HKG' });
      case 'captcha_cn':
        return ok(res, SLIDER_CN);
      case 'login_redirect':
        res.writeHead(302, { location: '/login?redirect=%2Flist' });
        return res.end();
      case 'redirect_loop':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      case 'layout_changed':
        // The shop's redesign: the same products, new markup the target's selectors do not know.
        return ok(res, `<html><body><div class="grid">${products.map((p) => `<div class="card" data-id="${p.sku}"><h3>${p.name}</h3><b>${p.price}</b></div>`).join('')}</div></body></html>`);
      case 'half_items':
        return ok(res, listHtml(products.slice(0, Math.floor(products.length / 2))));
      case 'prices_missing': {
        // The price moved into an element the target does not know: present on 2 items of 10.
        let n = 0;
        return ok(res, listHtml(products).replace(/<span class="price">/g, (m) => (n++ % 5 === 0 ? m : '<span class="cost">')));
      }
      case 'prices_unreadable':
        return ok(res, listHtml(products.map((p, i) => ({ ...p, price: i < 7 ? '登录后查看价格' : p.price }))));
      case 'huge_body':
        return streamHuge(res, 20 * 1024 * 1024);
      case 'wrong_charset':
        // GBK bytes behind a server-wide "utf-8" header: the decoder must notice. (Prices use ￥, U+FFE5:
        // the half-width ¥ does not exist in GBK, so real GBK shops write the full-width sign.)
        return ok(res, iconv.encode(listHtml(products), 'gbk'), 'text/html; charset=utf-8');
      case 'utf8_declared_gbk':
        // UTF-8 bytes while the header and the page's own <meta> both say GBK (a template copied from an old site).
        return ok(res, Buffer.from(listHtml(products, '<meta http-equiv="Content-Type" content="text/html; charset=gbk">')), 'text/html; charset=GBK');
      case 'cut_mid_document': {
        // Status 200 and a body as long as the server says: an upstream timeout behind a proxy, the HTML just stops.
        if (page !== Math.min(2, pages)) return ok(res, listHtml(products));
        const html = Buffer.from(listHtml(products));
        const body = html.subarray(0, Math.floor(html.length * 0.55));
        return ok(res, body, 'text/html; charset=utf-8', 200, { 'content-length': String(body.length) });
      }
      case 'short_page':
        // Page 2 closes properly but holds 3 of its 8 items (a listing service timing out half way).
        return ok(res, listHtml(page === 2 && pages > 2 ? products.slice(0, 3) : products));
      case 'small_page':
        // The last page comes back as a bare fragment: one item, none of the shop around it.
        if (page !== pages || pages < 2) return ok(res, listHtml(products));
        return ok(res, `<!doctype html><html><body><ul class="list">${products.slice(0, 1).map(productHtml).join('')}</ul></body></html>`);
      case 'ignores_page':
        // ?page= is ignored: every page is page 1.
        return ok(res, listHtml(pageOf(1)));
      case 'repeats_page':
        // A stale cache answers page 3 with page 2.
        return ok(res, listHtml(page === 3 ? pageOf(2) : products));
      case 'block_200': {
        const b = BLOCK_PAGES[state.blockPage]!;
        return ok(res, b.html, 'text/html; charset=utf-8', 200, b.headers ?? {});
      }
      case 'unit_glitch':
        // For a run or two the shop shows prices in fen (分): ×100, still a perfectly readable price.
        return ok(res, listHtml(products.map((p) => ({ ...p, price: p.price.replace(/[\d,]+/, (n) => (Number(n.replace(/,/g, '')) * 100).toLocaleString('en-US')) }))));
      case 'garbled':
        // The site itself stored UTF-8 text that had been read as GBK: valid UTF-8 bytes of mojibake. No charset repairs it.
        return ok(res, Buffer.from(iconv.decode(Buffer.from(listHtml(products)), 'gbk')), 'text/html; charset=utf-8');
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.hits.push({ path: url.pathname + url.search, method: req.method ?? 'GET', at: Date.now(), headers: req.headers });
    if (url.pathname === '/robots.txt') return state.robots === null ? ok(res, 'not found', 'text/plain', 404) : ok(res, state.robots, 'text/plain');
    if (url.pathname === '/list' || url.pathname.startsWith('/private/')) return list(req, res, url);
    if (url.pathname === '/login') return ok(res, LOGIN);
    if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/list' });
      return res.end();
    }
    ok(res, 'not found', 'text/plain', 404);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    hitsOf: (path: string) => state.hits.filter((h) => h.path === path),
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** Streams `total` bytes of valid HTML without a Content-Length, stopping when the client goes. */
function streamHuge(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  const chunk = Buffer.from(`<p class="filler">${'x'.repeat(64 * 1024 - 30)}</p>\n`);
  let sent = 0;
  let gone = false;
  res.on('close', () => (gone = true));
  const pump = () => {
    while (!gone && sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!gone) res.end();
  };
  pump();
}
