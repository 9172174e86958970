/**
 * Listing pages of different shapes for the target builder's tests, served by the tests' own
 * HTTP server on 127.0.0.1: a paged grid of cards (with a redesign for layout_changed), an HTML
 * table, a GBK-encoded page and a page whose products are only in its JSON-LD.
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { html, type Route } from './server.js';

export interface ShopItem {
  sku: string;
  name: string;
  price: string;
}

/** Ten products over three pages of four (the last page short, as real listings are). */
export const PAGED_ITEMS: ShopItem[] = [
  { sku: 'AC-101', name: '格力 云佳 1.5匹', price: '¥1,299起' },
  { sku: 'AC-102', name: '美的 酷省电 2匹', price: '¥4,599' },
  { sku: 'AC-103', name: '海尔 静悦 大1匹', price: '¥2,199' },
  { sku: 'AC-104', name: '格力 3匹 圆柱柜机', price: '1.2万元' },
  { sku: 'AC-105', name: '奥克斯 1匹 定频', price: '¥1,599' },
  { sku: 'AC-106', name: '海信 1.5匹 新风', price: '¥3,099' },
  { sku: 'AC-107', name: 'TCL 小蓝翼 1.5匹', price: '¥2,399' },
  { sku: 'AC-108', name: '小米 巨省电 2匹', price: '¥3,999' },
  { sku: 'AC-109', name: '志高 1匹 移动空调', price: '¥1,099' },
  { sku: 'AC-110', name: '长虹 大3匹 柜机', price: '¥6,299' },
];
export const PER_PAGE = 4;
export const LAST_PAGE = Math.ceil(PAGED_ITEMS.length / PER_PAGE);

/**
 * /paged?page=N: product cards and a pager (1 2 3, 下一页 on all but the last page). `redesigned`
 * is the same shop after a redeploy: new class names, the id moved to data-id, so the old
 * selectors match nothing.
 */
export function pagedGridPage(page: number, redesigned = false): string {
  const items = PAGED_ITEMS.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const card = (i: ShopItem) =>
    redesigned
      ? `<article class="product-tile sc-9fk2x1" data-id="${i.sku}"><a class="tile-link" href="/item/${i.sku}"><h2 class="tile-name">${i.name}</h2></a><p class="tile-cost"><b class="now">${i.price}</b></p></article>`
      : `<li class="goods-card css-7fh2k1a" data-sku="${i.sku}"><a class="pic" href="/item/${i.sku}"><span class="thumb">图</span></a><h3 class="goods-title"><a href="/item/${i.sku}">${i.name}</a></h3><div class="pricebox"><span class="price">${i.price}</span></div></li>`;
  const nums = Array.from({ length: LAST_PAGE }, (_, k) => k + 1)
    .map((n) => (n === page ? `<span class="cur">${n}</span>` : `<a href="/paged?page=${n}">${n}</a>`))
    .join(' ');
  const prev = page > 1 ? `<a class="prev" href="/paged?page=${page - 1}">上一页</a> ` : '';
  const next = page < LAST_PAGE ? ` <a class="next" href="/paged?page=${page + 1}">下一页</a>` : '';
  const list = redesigned ? `<section class="tiles">${items.map(card).join('\n')}</section>` : `<ul class="goods-list">${items.map(card).join('\n')}</ul>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Acme 空调 第${page}页</title>
<style>body{font:14px sans-serif;margin:16px} .goods-list,.tiles{display:flex;gap:12px;padding:0;list-style:none} .goods-card,.product-tile{border:1px solid #ccc;padding:10px;width:200px} .pager{margin-top:16px;font-size:16px} .pager a,.pager span{padding:4px 8px}</style>
</head><body><header><nav><a href="/">首页</a> <a href="/paged">空调</a></nav></header>
<main><h1>空调</h1>${list}
<div class="pager">${prev}${nums}${next}</div></main></body></html>`;
}

/** The route serving pagedGridPage; `state.redesigned` flips between runs. */
export function pagedGridRoute(state: { redesigned: boolean } = { redesigned: false }): Route {
  return (_req, res, url) => {
    const page = Math.max(1, Math.min(LAST_PAGE, Number(url.searchParams.get('page') ?? '1') || 1));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(pagedGridPage(page, state.redesigned));
  };
}

const saved = (name: string) => readFileSync(new URL(`../extract/pages/${name}`, import.meta.url));

/** A price list as an HTML table (header row of <th>, a layout table after it). */
export const tableShop = (): Route => html(saved('table.html'));

/** A GBK page declaring its charset only in <meta> (the header says nothing about it). */
export const gbkShop = (): Route => html(saved('gbk.html'), 200, 'text/html');

/** A page of an empty app shell whose products are only in its JSON-LD ItemList. */
export const jsonLdShop = (): Route => html(saved('jsonld.html'));

/** What the GBK page says, decoded: for assertions. */
export const gbkText = (): string => iconv.decode(saved('gbk.html'), 'gbk');
