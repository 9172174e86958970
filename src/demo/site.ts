import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';

interface DemoProduct {
  sku: string;
  name: string;
  price: number;
  old?: number;
  from?: boolean;
  gtin?: string;
  mpn?: string;
}

interface Catalog {
  shops: Record<string, { name: string; perPage?: number; products: DemoProduct[] }>;
  changes: {
    acme?: Record<string, number>;
    bolt?: Record<string, number>;
    cielo?: Record<string, number>;
    add?: Record<string, DemoProduct>;
    redesign?: string[];
  };
}

export type DemoRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const yuan = (n: number) => n.toLocaleString('en-US');

/**
 * The bundled competitor sites: a paginated UTF-8 shop, an old GBK shop, a product page with
 * JSON-LD only, and a shop whose redesign breaks its scraper. All on 127.0.0.1.
 */
export class DemoSite {
  private server: Server | null = null;
  private catalog: Catalog;
  private redesigned = new Set<string>();
  private readonly extraRoutes = new Map<string, DemoRoute>();
  private readonly changeHooks: (() => void)[] = [];
  baseUrl = '';

  /** Extensions (tenders, careers, ...) add their pages here: path → handler. */
  route(path: string, handler: DemoRoute): void {
    this.extraRoutes.set(path, handler);
  }

  /** Extensions register what changes between the demo's two runs. */
  onChange(hook: () => void): void {
    this.changeHooks.push(hook);
  }

  constructor(catalogFile: string) {
    this.catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as Catalog;
  }

  /** Moves prices, adds a product and redesigns a shop, as listed under "changes" in the catalog. */
  applyChanges(): void {
    const c = this.catalog.changes;
    for (const shop of ['acme', 'bolt', 'cielo'] as const) {
      for (const [sku, price] of Object.entries(c[shop] ?? {})) {
        const p = this.catalog.shops[shop]?.products.find((x) => x.sku === sku);
        if (p) p.price = price;
      }
    }
    for (const [shop, product] of Object.entries(c.add ?? {})) this.catalog.shops[shop]?.products.push(product);
    for (const shop of c.redesign ?? []) this.redesigned.add(shop);
    for (const hook of this.changeHooks) hook();
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, type: string, body: string | Buffer) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (url.pathname === '/robots.txt') return send(200, 'text/plain', 'User-agent: *\nDisallow: /private/\n');
      if (url.pathname === '/acme/list') return send(200, 'text/html; charset=utf-8', this.acmePage(Number(url.searchParams.get('page') ?? '1')));
      if (url.pathname === '/bolt/list.html') {
        // An old site: the charset is only in <meta>, not in the header.
        return send(200, 'text/html', iconv.encode(this.boltPage(), 'gbk'));
      }
      if (url.pathname === '/cielo/p/kfr35') return send(200, 'text/html; charset=utf-8', this.cieloPage());
      if (url.pathname === '/delta/') return send(200, 'text/html; charset=utf-8', this.deltaPage());
      const extra = this.extraRoutes.get(url.pathname);
      if (extra) return extra(req, res, url);
      send(404, 'text/html; charset=utf-8', '<h1>404</h1>');
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${addr.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }

  private acmePage(page: number): string {
    const shop = this.catalog.shops.acme!;
    const per = shop.perPage ?? 4;
    const items = shop.products.slice((page - 1) * per, page * per);
    const pages = Math.ceil(shop.products.length / per);
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(shop.name)}</title></head><body>
<h1>${esc(shop.name)}</h1><ul class="grid">
${items
  .map(
    (p) => `<li class="product" data-sku="${esc(p.sku)}"><a href="/acme/item/${esc(p.sku)}?spm=list.${page}"><span class="title">${esc(p.name)}</span></a>
<div class="price-box">${p.old ? `<del class="old">¥${yuan(p.old)}</del> ` : ''}<span class="price">¥${yuan(p.price)}.00${p.from ? '起' : ''}</span></div></li>`,
  )
  .join('\n')}
</ul><div class="pager">第 ${page}/${pages} 页 ${page < pages ? `<a class="next" href="/acme/list?page=${page + 1}">下一页</a>` : ''}</div></body></html>`;
  }

  private boltPage(): string {
    const shop = this.catalog.shops.bolt!;
    return `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>${esc(shop.name)}</title></head><body>
<table id="goods">${shop.products
      .map((p) => `<tr class="goods-row" id="g-${esc(p.sku)}"><td class="name"><a href="detail.asp?id=${esc(p.sku)}">${esc(p.name)}</a></td><td class="price">${yuan(p.price)}元</td></tr>`)
      .join('\n')}</table></body></html>`;
  }

  private cieloPage(): string {
    const p = this.catalog.shops.cielo!.products[0]!;
    const ld = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebPage', name: p.name },
        {
          '@type': 'Product',
          name: p.name,
          sku: p.sku,
          gtin13: p.gtin,
          mpn: p.mpn,
          brand: { '@type': 'Brand', name: 'Cielo' },
          offers: { '@type': 'Offer', price: p.price.toFixed(2), priceCurrency: 'CNY', availability: 'https://schema.org/InStock' },
        },
      ],
    };
    // No visible price markup: the price only exists in structured data, as on many modern shops.
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(p.name)}</title>
<script type="application/ld+json">${JSON.stringify(ld)}</script></head><body><div id="app"></div></body></html>`;
  }

  private deltaPage(): string {
    const shop = this.catalog.shops.delta!;
    if (this.redesigned.has('delta')) {
      return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><main class="v2">${shop.products
        .map((p) => `<article class="card" data-id="${p.sku}"><h3>${esc(p.name)}</h3><b>¥${p.price}</b></article>`)
        .join('')}</main></body></html>`;
    }
    return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div class="list">${shop.products
      .map((p) => `<div class="item" data-id="${p.sku}"><span class="n">${esc(p.name)}</span><span class="p">¥${p.price}</span></div>`)
      .join('')}</div></body></html>`;
  }
}
