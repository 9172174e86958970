// A generated shop catalog on 127.0.0.1: listing pages of 40–60 KB with 24 products each,
// pagination links and JSON-LD, the shape of the competitor shops the agent watches.
// Pages are rendered once up front so serving costs the same for every row measured.
import { createServer } from 'node:http';

export const PRODUCTS_PER_PAGE = 24;

const BRANDS = ['华为', '小米', '联想', '戴尔', 'Apple', '惠普', '华硕', '荣耀', 'OPPO', 'vivo', '海尔', '美的'];
const TYPES = ['笔记本电脑', '平板电脑', '智能手机', '显示器', '路由器', '蓝牙耳机', '智能手表', '移动电源', '机械键盘', '无线鼠标'];
const WORDS = '高性能 轻薄 长续航 旗舰 全面屏 护眼 快充 降噪 防水 商务 办公 游戏 学生 家用 便携 大容量 超清 低延迟 静音 多接口'.split(' ');

/**
 * Small deterministic PRNG (mulberry32) so every run serves the same bytes. A copy of
 * src/signals/random.ts's on purpose: the bench measures other checkouts too (`--src DIR`), whose
 * src/ may lack that module or change it, and the catalog must be byte-identical for both sides;
 * so the bench depends on no radar code for its inputs.
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, list) => list[Math.floor(r() * list.length)];
const yuan = (n) => n.toLocaleString('en-US');

/** The products of one listing page: what every row must find. */
export function pageProducts(page) {
  const r = rng(page * 7919);
  const out = [];
  for (let i = 0; i < PRODUCTS_PER_PAGE; i++) {
    const sku = `SKU-${String(page).padStart(4, '0')}-${String(i).padStart(2, '0')}`;
    const brand = pick(r, BRANDS);
    const type = pick(r, TYPES);
    const price = Math.round(99 + r() * 19900);
    // Half the names have no space at all, as many Chinese shops write them.
    const name = r() < 0.5 ? `${brand} ${type} ${pick(r, WORDS)}版 ${sku.slice(4)}` : `${brand}${type}${pick(r, WORDS)}版${sku.slice(4)}`;
    out.push({ sku, name, price, old: r() < 0.3 ? Math.round(price * 1.15) : null, from: r() < 0.1 });
  }
  return out;
}

function productCard(p, r) {
  const specs = [];
  const nSpecs = 3 + Math.floor(r() * 4);
  for (let i = 0; i < nSpecs; i++) specs.push(`<li class="spec"><span class="k">${pick(r, WORDS)}</span><span class="v">${pick(r, WORDS)} ${Math.floor(r() * 1000)}</span></li>`);
  const desc = [];
  const nWords = 8 + Math.floor(r() * 16);
  for (let i = 0; i < nWords; i++) desc.push(pick(r, WORDS));
  return `
<li class="product" data-sku="${p.sku}" data-cat="${Math.floor(r() * 100)}">
  <div class="thumb"><a href="/item/${p.sku}?spm=list.${Math.floor(r() * 1e6)}"><img src="/img/${p.sku}.jpg" data-src="/img/${p.sku}@2x.jpg" alt="${p.name}" width="220" height="220" loading="lazy"></a></div>
  <div class="info">
    <h3 class="title"><a href="/item/${p.sku}">${p.name}</a></h3>
    <div class="price-box"><span class="price">¥${yuan(p.price)}${p.from ? '起' : ''}</span>${p.old ? `<del class="old-price">¥${yuan(p.old)}</del>` : ''}</div>
    <p class="desc">${desc.join(' ')}</p>
    <ul class="specs">${specs.join('')}</ul>
    <div class="meta"><span class="shop">自营旗舰店</span><span class="reviews">${Math.floor(r() * 50000)} 条评价</span><span class="ship">次日达</span></div>
    <div class="actions"><button class="cart" data-sku="${p.sku}">加入购物车</button><button class="fav" data-sku="${p.sku}">收藏</button></div>
  </div>
</li>`;
}

function pagination(page, pages) {
  const links = [];
  if (page > 1) links.push(`<a class="prev" href="/list?page=${page - 1}">上一页</a>`);
  for (let p = Math.max(1, page - 4); p <= Math.min(pages, page + 4); p++) {
    links.push(p === page ? `<span class="current">${p}</span>` : `<a href="/list?page=${p}">${p}</a>`);
  }
  if (page < pages) links.push(`<a class="next" href="/list?page=${page + 1}">下一页</a>`);
  return `<nav class="pagination">${links.join('')}</nav>`;
}

function chrome(r, n) {
  const items = [];
  for (let i = 0; i < n; i++) items.push(`<li><a href="/c/${Math.floor(r() * 5000)}">${pick(r, BRANDS)}${pick(r, TYPES)}</a></li>`);
  return `<ul class="menu">${items.join('')}</ul>`;
}

/** One listing page, sized between 40 and 60 KB. */
export function renderPage(page, pages) {
  const r = rng(page * 104729 + 1);
  const products = pageProducts(page);
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    itemListElement: products.map((p, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      item: { '@type': 'Product', name: p.name, sku: p.sku, url: `/item/${p.sku}`, offers: { '@type': 'Offer', price: p.price, priceCurrency: 'CNY', availability: 'https://schema.org/InStock' } },
    })),
  };
  const head = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>商品列表 第${page}页 - 示例商城</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/site.css"><link rel="canonical" href="/list?page=${page}">
<script type="application/ld+json">${JSON.stringify(jsonLd)}</script>
<script>window.__CFG__={"page":${page},"pages":${pages},"ab":"${Math.floor(r() * 1e9).toString(36)}"};</script>
</head><body>
<header class="top"><a class="logo" href="/">示例商城</a><form class="search" action="/search"><input name="q" placeholder="搜索商品"></form>${chrome(r, 40)}</header>
<aside class="filters">${chrome(r, 30)}</aside>
<main><h1>全部商品</h1>${pagination(page, pages)}
<ul class="products">`;
  let body = head;
  for (const p of products) body += productCard(p, r);
  body += `</ul>${pagination(page, pages)}</main>`;
  // Footer padding brings the page to a size drawn between 40 and 60 KB, as real shops vary.
  const target = 40_000 + Math.floor(r() * 20_000);
  let size = Buffer.byteLength(body);
  body += '<footer>';
  while (size < target - 200) {
    const links = `<p class="links">${chrome(r, 3)}</p>`;
    body += links;
    size += Buffer.byteLength(links);
  }
  body += '<p class="icp">沪ICP备00000000号</p></footer></body></html>';
  return Buffer.from(body, 'utf8');
}

/**
 * Serves /list?page=1..pages. `latencyMs` delays every response, like a real server's think time.
 * Resolves to { url, close, stats }.
 */
export async function startCatalog({ pages = 1000, latencyMs = 0, port = 0 } = {}) {
  const bodies = [];
  for (let p = 1; p <= pages; p++) bodies.push(renderPage(p, pages));
  const stats = { requests: 0, bytes: bodies.reduce((a, b) => a + b.length, 0) };
  const server = createServer((req, res) => {
    stats.requests++;
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const n = Number(u.searchParams.get('page'));
    const body = u.pathname === '/list' && Number.isInteger(n) && n >= 1 && n <= pages ? bodies[n - 1] : null;
    const send = () => {
      if (!body) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
      res.end(body);
    };
    if (latencyMs > 0) setTimeout(send, latencyMs);
    else send();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    stats,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
