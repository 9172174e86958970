// A JavaScript-rendered shop on 127.0.0.x: each listing page is a shell whose script fetches
// /api/list?page=N (JSON) and draws the products client-side, with a stylesheet, a web font and
// one product image each, like the single-page shops that need a browser. Only a browser that
// runs the script sees a product. The same 24 products per page as the static catalog.
import { createServer } from 'node:http';
import { pageProducts } from './catalog.js';

const APP_JS = `(async () => {
  const page = Number(new URLSearchParams(location.search).get('page') || 1);
  const r = await fetch('/api/list?page=' + page);
  const d = await r.json();
  const ul = document.querySelector('ul.products');
  for (const p of d.products) {
    const li = document.createElement('li');
    li.className = 'product';
    li.dataset.sku = p.sku;
    li.innerHTML = '<div class="thumb"><img src="/img/' + p.sku + '.jpg" width="220" height="220"></div>' +
      '<h3 class="title"><a href="/item/' + p.sku + '"></a></h3><div class="price-box"><span class="price"></span></div>';
    li.querySelector('.title a').textContent = p.name;
    li.querySelector('.price').textContent = '¥' + p.price.toLocaleString('en-US') + (p.from ? '起' : '');
    ul.appendChild(li);
  }
  document.querySelector('.count').textContent = d.products.length + ' 件商品';
})();`;

const CSS = `@font-face { font-family: shop; src: url(/static/shop.woff2) format("woff2"); }
body { font-family: shop, sans-serif; margin: 0 } .products { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px }
.product { border: 1px solid #eee; padding: 8px } .price { color: #e4393c; font-weight: bold } .thumb img { width: 100%; height: auto }`;

/** Bytes standing in for a product photo and a web font: what a browser would download and decode. */
const IMAGE = Buffer.alloc(30_000, 0x5a);
const FONT = Buffer.alloc(60_000, 0x33);

function shell(page, pages) {
  const nav = [page > 1 ? `<a class="prev" href="/js/list?page=${page - 1}">上一页</a>` : '', page < pages ? `<a class="next" href="/js/list?page=${page + 1}">下一页</a>` : ''].join('');
  return Buffer.from(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>商品列表 第${page}页 - 示例商城</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css"><script src="/static/app.js" defer></script>
</head><body><header class="top"><a class="logo" href="/">示例商城</a></header>
<main><h1>全部商品</h1><p class="count">加载中…</p><ul class="products"></ul><nav class="pagination">${nav}</nav></main>
<footer><p class="icp">沪ICP备00000000号</p></footer></body></html>`);
}

/**
 * Serves the shop on each of `hosts` (127.0.0.x, all loopback), one port each. `apiLatencyMs`
 * delays the JSON call, like a real shop's backend. Resolves to { urls, close, stats }.
 */
export async function startJsCatalog({ pages = 300, apiLatencyMs = 0, hosts = ['127.0.0.1'] } = {}) {
  const shells = [];
  const apis = [];
  for (let p = 1; p <= pages; p++) {
    shells.push(shell(p, pages));
    apis.push(Buffer.from(JSON.stringify({ page: p, products: pageProducts(p).map(({ sku, name, price, from }) => ({ sku, name, price, from })) })));
  }
  const stats = { requests: 0, api: 0, images: 0 };
  const handler = (req, res) => {
    stats.requests++;
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const n = Number(u.searchParams.get('page'));
    const ok = Number.isInteger(n) && n >= 1 && n <= pages;
    const send = (type, body, cache = false) => {
      res.writeHead(200, { 'content-type': type, 'content-length': body.length, ...(cache ? { 'cache-control': 'max-age=3600' } : {}) });
      res.end(body);
    };
    if (u.pathname === '/robots.txt') return send('text/plain', Buffer.from('User-agent: *\nAllow: /\n'));
    if (u.pathname === '/js/list' && ok) return send('text/html; charset=utf-8', shells[n - 1]);
    if (u.pathname === '/api/list' && ok) {
      stats.api++;
      const go = () => send('application/json', apis[n - 1]);
      return apiLatencyMs > 0 ? void setTimeout(go, apiLatencyMs) : go();
    }
    if (u.pathname === '/static/app.js') return send('application/javascript', Buffer.from(APP_JS), true);
    if (u.pathname === '/static/site.css') return send('text/css', Buffer.from(CSS), true);
    if (u.pathname === '/static/shop.woff2') return send('font/woff2', FONT, true);
    if (u.pathname.startsWith('/img/')) {
      stats.images++;
      return send('image/jpeg', IMAGE, true);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  };
  const servers = [];
  const urls = [];
  for (const host of hosts) {
    const server = createServer(handler);
    server.keepAliveTimeout = 30_000;
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, resolve);
    });
    servers.push(server);
    urls.push(`http://${host}:${server.address().port}`);
  }
  return {
    urls,
    url: urls[0],
    stats,
    close: () => Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(r); }))),
  };
}
