import { describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { extractJsonLdProducts, extractProduct, type ExtractProductOptions } from '../../src/extract/product.js';
import { mapAvailability, parseJsonLenient } from '../../src/extract/structured.js';

const URL_ = 'https://shop.example.com/p/widget-pro?ref=home';

function page(head: string, body = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${head}</head><body>${body}</body></html>`;
}

function ld(json: string): string {
  return `<script type="application/ld+json">${json}</script>`;
}

describe('extractProduct: JSON-LD', () => {
  it('reads a plain Product with a single Offer and makes url/image absolute', () => {
    const html = page(
      ld(`{
        "@context": "https://schema.org/",
        "@type": "Product",
        "name": "Widget Pro 3000",
        "image": ["/img/widget-pro.jpg", "/img/widget-pro-2.jpg"],
        "sku": "WP-3000",
        "gtin13": "4006381333931",
        "mpn": "925872",
        "brand": { "@type": "Brand", "name": "Acme" },
        "url": "/p/widget-pro",
        "offers": {
          "@type": "Offer",
          "price": 199.5,
          "priceCurrency": "USD",
          "availability": "https://schema.org/InStock"
        }
      }`),
      '<h1>Widget Pro 3000</h1><span class="price">$249.00</span>',
    );
    expect(extractProduct(html, { url: URL_ })).toEqual({
      name: 'Widget Pro 3000',
      amount: 199.5,
      currency: 'USD',
      availability: 'in_stock',
      sku: 'WP-3000',
      gtin: '4006381333931',
      mpn: '925872',
      brand: 'Acme',
      url: 'https://shop.example.com/p/widget-pro',
      image: 'https://shop.example.com/img/widget-pro.jpg',
      source: 'json-ld',
    });
  });

  it('finds the Product inside a WooCommerce / Yoast @graph with offers array and priceSpecification', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@graph":[
        {"@type":"WebPage","@id":"https://shop.example.com/p/widget-pro/#webpage","url":"https://shop.example.com/p/widget-pro/","name":"Widget Pro - Shop"},
        {"@type":"BreadcrumbList","@id":"https://shop.example.com/p/widget-pro/#breadcrumb","itemListElement":[{"@type":"ListItem","position":1,"name":"Home","item":"https://shop.example.com/"}]},
        {"@type":"Organization","@id":"https://shop.example.com/#organization","name":"Example Shop"}
      ]}`) +
        ld(`{"@context":"https://schema.org/","@graph":[{"@context":"https://schema.org/","@type":"Product","@id":"https://shop.example.com/p/widget-pro/#product","name":"Widget Pro &amp; Case","url":"https://shop.example.com/p/widget-pro/","description":"Best widget.","image":"https://shop.example.com/wp-content/uploads/widget.jpg","sku":1234,"offers":[{"@type":"Offer","price":"25.00","priceValidUntil":"2026-12-31","priceSpecification":{"price":"25.00","priceCurrency":"EUR","valueAddedTaxIncluded":"true"},"priceCurrency":"EUR","availability":"http://schema.org/InStock","url":"https://shop.example.com/p/widget-pro/","seller":{"@type":"Organization","name":"Example Shop","url":"https://shop.example.com"}}]}]}`),
    );
    const p = extractProduct(html, { url: 'https://shop.example.com/p/widget-pro/' });
    expect(p).toMatchObject({
      name: 'Widget Pro & Case',
      amount: 25,
      currency: 'EUR',
      availability: 'in_stock',
      sku: '1234',
      url: 'https://shop.example.com/p/widget-pro/',
      source: 'json-ld',
    });
  });

  it('uses AggregateOffer lowPrice (and falls back to price)', () => {
    const low = page(
      ld(`{"@context":"http://schema.org","@type":["Product","Thing"],"name":"Running Shoe",
        "offers":{"@type":"AggregateOffer","lowPrice":"89.90","highPrice":"129.90","priceCurrency":"EUR","offerCount":4}}`),
    );
    expect(extractProduct(low, { url: URL_ })).toMatchObject({ name: 'Running Shoe', amount: 89.9, currency: 'EUR', source: 'json-ld' });

    const priceOnly = page(
      ld(`{"@context":"http://schema.org","@type":"http://schema.org/Product","name":"Running Shoe",
        "offers":{"@type":"http://schema.org/AggregateOffer","price":"99","priceCurrency":"GBP"}}`),
    );
    expect(extractProduct(priceOnly, { url: URL_ })).toMatchObject({ amount: 99, currency: 'GBP' });
  });

  it('chooses the lowest valid price from an offers array and takes that offer\'s availability', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@type":"Product","name":"Phone X 128GB",
        "offers":[
          {"@type":"Offer","price":"","priceCurrency":"CNY","availability":"https://schema.org/InStock"},
          {"@type":"Offer","price":"5999.00","priceCurrency":"CNY","availability":"https://schema.org/InStock"},
          {"@type":"Offer","price":"not a price","priceCurrency":"CNY"},
          {"@type":"Offer","price":"5799.00","priceCurrency":"CNY","availability":"https://schema.org/PreOrder"},
          {"@type":"Offer","price":-1,"priceCurrency":"CNY"}
        ]}`),
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ amount: 5799, currency: 'CNY', availability: 'preorder' });
  });

  it('skips strikethrough / list priceSpecifications', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@type":"Product","name":"Espresso Machine",
        "offers":{"@type":"Offer","availability":"https://schema.org/OutOfStock",
          "priceSpecification":[
            {"@type":"UnitPriceSpecification","priceType":"https://schema.org/StrikethroughPrice","price":499.0,"priceCurrency":"EUR"},
            {"@type":"UnitPriceSpecification","price":349.0,"priceCurrency":"EUR"},
            {"@type":"UnitPriceSpecification","priceType":"ListPrice","price":299.0,"priceCurrency":"EUR"}
          ]}}`),
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({
      name: 'Espresso Machine',
      amount: 349,
      currency: 'EUR',
      availability: 'out_of_stock',
    });
  });

  it('parses string prices with thousands separators ("1,299.00")', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@type":"Product","name":"4K TV 55\\"","offers":{"@type":"Offer","price":"1,299.00","priceCurrency":"usd","availability":"InStock"}}`),
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ name: '4K TV 55"', amount: 1299, currency: 'USD', availability: 'in_stock' });
  });

  it('finds the Product as a WebPage mainEntity and prefers it over related products', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@type":"Product","name":"Related Gadget","offers":{"@type":"Offer","price":5,"priceCurrency":"USD"}}`) +
        ld(`{"@context":"https://schema.org","@type":"ItemPage","mainEntity":{"@type":"Product","name":"Main Gadget","offers":{"@type":"Offer","price":50,"priceCurrency":"USD","availability":"https://schema.org/Discontinued"}}}`),
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ name: 'Main Gadget', amount: 50, availability: 'discontinued' });
  });

  it('follows @id references for offers and resolves mainEntity by @id', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@graph":[
        {"@type":"Product","@id":"#other","name":"Accessory","offers":{"@type":"Offer","price":9,"priceCurrency":"USD"}},
        {"@type":"WebPage","@id":"#page","mainEntity":{"@id":"#main"}},
        {"@type":"Product","@id":"#main","name":"Camera Body","offers":{"@id":"#offer1"}},
        {"@type":"Offer","@id":"#offer1","price":"1899","priceCurrency":"USD","availability":"https://schema.org/InStock"}
      ]}`),
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ name: 'Camera Body', amount: 1899, currency: 'USD', availability: 'in_stock' });
  });

  it('reads products wrapped in Offer.itemOffered and picks the one whose url is the page', () => {
    const html = page(
      ld(`[{"@type":"Offer","price":"88","priceCurrency":"CNY","itemOffered":{"@type":"Product","name":"配件","url":"/item.htm?id=2"}},
           {"@type":"Offer","price":"1299","priceCurrency":"CNY","availability":"InStock","itemOffered":{"@type":"Product","name":"主商品","url":"/item.htm?id=1"}}]`),
    );
    expect(extractProduct(html, { url: 'https://detail.shop.example.cn/item.htm?id=1' })).toMatchObject({
      name: '主商品',
      amount: 1299,
      currency: 'CNY',
      availability: 'in_stock',
      url: 'https://detail.shop.example.cn/item.htm?id=1',
    });
  });

  it('treats a structured price of 0 as a placeholder that markup may replace', () => {
    const html = page(
      ld(`{"@type":"Product","name":"Industrial Pump","offers":{"@type":"Offer","price":"0.00","priceCurrency":"USD"}}`),
      '<h1>Industrial Pump</h1><div class="product-price">€4.250,00</div>',
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ name: 'Industrial Pump', amount: 4250, currency: 'EUR', source: 'json-ld' });
  });

  it('tolerates a trailing comma, a raw newline in a string, comments and a CDATA wrapper', () => {
    const html = page(
      ld(`{"@context": "https://schema.org", "@type": "Product", "name": "Broken JSON Kettle"`) + // truncated: skipped
        `<script type="application/ld+json">
//<![CDATA[
<!--
{
  "@context": "https://schema.org",
  "@type": "Product",
  "name": "Electric Kettle 1.7L",
  "description": "Line one
Line two	with a tab",
  // a comment someone left in
  "offers": {
    "@type": "Offer",
    "price": "39.99",
    "priceCurrency": "GBP",
    "availability": "https://schema.org/InStock",
  },
}
-->
//]]>
</script>`,
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({
      name: 'Electric Kettle 1.7L',
      amount: 39.99,
      currency: 'GBP',
      availability: 'in_stock',
      source: 'json-ld',
    });
  });

  it('fills a missing JSON-LD price from OpenGraph, keeping json-ld as the source', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@type":"Product","name":"Desk Lamp","sku":"DL-1","image":"//cdn.example.com/lamp.png"}`) +
        `<meta property="og:type" content="product">
         <meta property="og:title" content="Desk Lamp | Example Shop">
         <meta property="product:price:amount" content="45.00">
         <meta property="product:price:currency" content="EUR">
         <meta property="product:availability" content="out of stock">`,
    );
    expect(extractProduct(html, { url: URL_ })).toEqual({
      name: 'Desk Lamp',
      amount: 45,
      currency: 'EUR',
      availability: 'out_of_stock',
      sku: 'DL-1',
      image: 'https://cdn.example.com/lamp.png',
      url: URL_,
      source: 'json-ld',
    });
  });
});

describe('extractProduct: microdata, OpenGraph, markup', () => {
  it('reads microdata (price from content, currency, availability link, nested brand name ignored for name)', () => {
    const html = page(
      '',
      `<div itemscope itemtype="https://schema.org/Product">
         <h1 itemprop="name">Trail Backpack 30L</h1>
         <img itemprop="image" src="/media/backpack.jpg" alt="">
         <div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Osprey</span></div>
         <span itemprop="sku">TB-30</span>
         <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
           <span itemprop="priceCurrency" content="EUR">€</span>
           <span itemprop="price" content="129.95">129,95</span>
           <link itemprop="availability" href="https://schema.org/LimitedAvailability">Only 2 left
         </div>
       </div>`,
    );
    expect(extractProduct(html, { url: URL_ })).toEqual({
      name: 'Trail Backpack 30L',
      amount: 129.95,
      currency: 'EUR',
      availability: 'in_stock',
      sku: 'TB-30',
      brand: 'Osprey',
      image: 'https://shop.example.com/media/backpack.jpg',
      url: URL_,
      source: 'microdata',
    });
  });

  it('reads a microdata price from text when there is no content attribute', () => {
    const html = page(
      '',
      `<div itemscope itemtype="http://schema.org/Product"><span itemprop="name">Yoga Mat</span>
        <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price">$1,049.50</span>
        <meta itemprop="availability" content="OutOfStock"></div></div>`,
    );
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ name: 'Yoga Mat', amount: 1049.5, currency: 'USD', availability: 'out_of_stock', source: 'microdata' });
  });

  it('reads OpenGraph only (sale price wins over regular price)', () => {
    const html = page(
      `<meta property="og:type" content="product.item">
       <meta property="og:title" content="Linen Shirt">
       <meta property="og:url" content="/products/linen-shirt">
       <meta property="og:image" content="https://cdn.example.com/shirt.jpg">
       <meta property="og:price:amount" content="59.00">
       <meta property="og:price:currency" content="USD">
       <meta property="product:sale_price:amount" content="39.00">
       <meta property="product:sale_price:currency" content="USD">
       <meta property="product:availability" content="instock">`,
    );
    expect(extractProduct(html, { url: 'https://shop.example.com/collections/x' })).toEqual({
      name: 'Linen Shirt',
      amount: 39,
      currency: 'USD',
      availability: 'in_stock',
      url: 'https://shop.example.com/products/linen-shirt',
      image: 'https://cdn.example.com/shirt.jpg',
      source: 'opengraph',
    });
  });

  it('reads markup only, ignoring the struck-through old price next to the new one', () => {
    const html = page(
      '<link rel="canonical" href="/p/blender">',
      `<header><h1 class="logo">Example Shop</h1><div class="mini-cart"><span class="price">$0.00</span></div></header>
       <main>
         <h1 class="product-title">  Pro Blender
           900W </h1>
         <div class="price-box">
           <span class="old-price">$149.99</span>
           <span class="price"><del>$129.99</del> $99.99</span>
         </div>
         <p class="stock in-stock">In stock</p>
       </main>
       <section class="related-products"><div class="product-name">Cheap Cup</div><span class="price">$3.00</span></section>`,
    );
    expect(extractProduct(html, { url: URL_ })).toEqual({
      name: 'Pro Blender 900W',
      amount: 99.99,
      currency: 'USD',
      availability: 'in_stock',
      url: 'https://shop.example.com/p/blender',
      source: 'markup',
    });
  });

  it('skips a price inside <s>/<del> even when it comes first in the document', () => {
    const html = page('', `<h1>Air Fryer</h1><div><s class="price">€89,00</s> <span class="price">€69,00</span></div>`);
    expect(extractProduct(html, { url: URL_ })).toMatchObject({ name: 'Air Fryer', amount: 69, currency: 'EUR', source: 'markup' });
  });

  it('reads a Chinese shop page (already decoded from GBK): 起 prices and 有货', () => {
    const html = page(
      '',
      `<div class="product-intro"><h1>格力 KFR-35GW 空调</h1><span class="price">¥2,599起</span><div class="stock">有货</div></div>`,
    );
    expect(extractProduct(html, { url: 'http://www.example.cn/item/123.html' })).toEqual({
      name: '格力 KFR-35GW 空调',
      amount: 2599,
      currency: 'CNY',
      availability: 'in_stock',
      url: 'http://www.example.cn/item/123.html',
      source: 'markup',
    });
  });

  it('reads JD-style markup (.sku-name, .p-price with J-p-*, 无货) and uses defaultCurrency for a bare number', () => {
    const html = page(
      '',
      `<div class="itemInfo-wrap"><div class="sku-name">美的（Midea）电饭煲 4L</div>
       <div class="summary-price"><span class="p-price"><span class="price J-p-100012043978">399.00</span></span>
       <span class="pricing">[<del>¥499.00</del>]</span></div>
       <div id="store-prompt"><strong>无货</strong>，此商品暂时售完</div></div>`,
    );
    expect(extractProduct(html, { url: 'https://item.jd.example/100012043978.html', defaultCurrency: 'CNY' })).toMatchObject({
      name: '美的（Midea）电饭煲 4L',
      amount: 399,
      currency: 'CNY',
      availability: 'out_of_stock',
      source: 'markup',
    });
  });

  it('reads Tmall-style markup: promo price beats the struck list price', () => {
    const html = page(
      '',
      `<div class="tb-detail-hd"><h1>小米 电视 65英寸</h1></div>
       <dl id="J_StrPriceModBox"><dt>价格</dt><dd><span class="tm-price">3999.00</span></dd></dl>
       <dl id="J_PromoPrice"><dt>促销价</dt><dd><div class="tm-promo-price"><em class="tm-yen">¥</em><span class="tm-price">3299.00</span></div></dd></dl>
       <div class="tb-amount">预售</div>`,
    );
    expect(extractProduct(html, { url: 'https://detail.tmall.example/item.htm?id=1', defaultCurrency: 'CNY' })).toMatchObject({
      name: '小米 电视 65英寸',
      amount: 3299,
      currency: 'CNY',
    });
  });

  it('maps Chinese availability words from markup: 缺货 / 预售 / 已下架', () => {
    const mk = (word: string) => page('', `<h1>商品</h1><span class="price">¥10</span><span class="stock-status">${word}</span>`);
    expect(extractProduct(mk('缺货'), { url: URL_ })?.availability).toBe('out_of_stock');
    expect(extractProduct(mk('预售中'), { url: URL_ })?.availability).toBe('preorder');
    expect(extractProduct(mk('该商品已下架'), { url: URL_ })?.availability).toBe('discontinued');
  });

  it('reads Amazon-style #priceblock_ourprice and #productTitle', () => {
    const html = page('', `<span id="productTitle">  Kindle Paperwhite  </span><span id="priceblock_ourprice">$139.99</span><div id="availability"><span>Currently unavailable.</span></div>`);
    expect(extractProduct(html, { url: 'https://www.amazon.example/dp/B08N' })).toMatchObject({
      name: 'Kindle Paperwhite',
      amount: 139.99,
      currency: 'USD',
      availability: 'out_of_stock',
    });
  });

  it('accepts an already-loaded CheerioAPI', () => {
    const $ = load(page(ld(`{"@type":"Product","name":"Loaded","offers":{"price":3,"priceCurrency":"JPY"}}`)));
    expect(extractProduct($, { url: URL_ })).toMatchObject({ name: 'Loaded', amount: 3, currency: 'JPY' });
  });

  it('returns null for a page with no product, and og:title of a non-product page is not a name', () => {
    const html = page(
      `<meta property="og:type" content="website"><meta property="og:title" content="Example Shop">`,
      '<nav><a href="/">Home</a></nav><p>Welcome to our shop. Free shipping on orders over 50.</p><footer>© 2025</footer>',
    );
    expect(extractProduct(html, { url: URL_ })).toBeNull();
  });

  it('never throws on garbage input', () => {
    const inputs: unknown[] = [
      '',
      '   ',
      '<<<>>>',
      '<script type="application/ld+json">{{{{</script>',
      '<script type="application/ld+json">null</script>',
      '<script type="application/ld+json">[1, "x", {"@type": 5}]</script>',
      '<script type="application/ld+json">{"@type":"Product","offers":{"price":{"nested":true}}}</script>',
      '<div itemscope itemtype="http://schema.org/Product"><span itemprop="price">NaN</span></div>',
      '\u0000\u0001\uFFFF'.repeat(100),
      '<span class="price">'.repeat(2000),
      null,
      undefined,
      42,
      {},
    ];
    for (const input of inputs) {
      expect(() => extractProduct(input as string, { url: URL_ })).not.toThrow();
      expect(() => extractProduct(input as string, { url: 'not a url' })).not.toThrow();
      expect(() => extractProduct(input as string, undefined as never)).not.toThrow();
      expect(() => extractJsonLdProducts(input as string, { url: URL_ })).not.toThrow();
    }
    expect(extractProduct('', { url: URL_ })).toBeNull();
  });
});

describe('extractJsonLdProducts', () => {
  it('lists every product of an ItemList on a listing page', () => {
    const html = page(
      ld(`{"@context":"https://schema.org","@type":"ItemList","itemListElement":[
        {"@type":"ListItem","position":1,"item":{"@type":"Product","name":"Alpha","url":"/p/alpha","image":{"@type":"ImageObject","url":"/i/a.jpg"},
          "offers":{"@type":"Offer","price":"10.00","priceCurrency":"USD","availability":"https://schema.org/InStock"}}},
        {"@type":"ListItem","position":2,"item":{"@type":"Product","name":"Beta","url":"https://shop.example.com/p/beta",
          "offers":{"@type":"AggregateOffer","lowPrice":20,"highPrice":30,"priceCurrency":"USD"}}},
        {"@type":"ListItem","position":3,"item":{"@type":"Product","name":"Gamma","url":"/p/gamma",
          "offers":{"@type":"Offer","price":"1,099.00","priceCurrency":"USD","availability":"https://schema.org/SoldOut"}}},
        {"@type":"ListItem","position":4,"url":"/p/not-a-product"}
      ]}`) + ld(`{"@type":"Organization","name":"Example Shop"}`),
    );
    const list = extractJsonLdProducts(html, { url: 'https://shop.example.com/c/all?page=1' });
    expect(list).toEqual([
      {
        name: 'Alpha',
        amount: 10,
        currency: 'USD',
        availability: 'in_stock',
        url: 'https://shop.example.com/p/alpha',
        image: 'https://shop.example.com/i/a.jpg',
        source: 'json-ld',
      },
      { name: 'Beta', amount: 20, currency: 'USD', availability: 'unknown', url: 'https://shop.example.com/p/beta', source: 'json-ld' },
      { name: 'Gamma', amount: 1099, currency: 'USD', availability: 'out_of_stock', url: 'https://shop.example.com/p/gamma', source: 'json-ld' },
    ]);
  });

  it('lists products from a top-level array and @graph, applies defaultCurrency, and dedups repeats', () => {
    const html = page(
      ld(`[{"@type":"Product","name":"One","offers":{"price":1}},{"@type":"Product","name":"Two","offers":{"price":2}}]`) +
        ld(`{"@graph":[{"@type":"Product","name":"Three","offers":{"price":"3"}},{"@type":"Product","name":"One","offers":{"price":1}}]}`),
    );
    const list = extractJsonLdProducts(html, { url: URL_, defaultCurrency: 'CNY' });
    expect(list.map((p) => [p.name, p.amount, p.currency])).toEqual([
      ['One', 1, 'CNY'],
      ['Two', 2, 'CNY'],
      ['Three', 3, 'CNY'],
    ]);
  });

  it('returns [] when there is no JSON-LD', () => {
    expect(extractJsonLdProducts(page('', '<h1>Nothing</h1>'), { url: URL_ })).toEqual([]);
  });
});

describe('helpers', () => {
  it('mapAvailability covers schema.org URLs, OpenGraph words and Chinese', () => {
    const cases: [string, string][] = [
      ['https://schema.org/InStock', 'in_stock'],
      ['http://schema.org/OutOfStock', 'out_of_stock'],
      ['schema:PreOrder', 'preorder'],
      ['Discontinued', 'discontinued'],
      ['SoldOut', 'out_of_stock'],
      ['oos', 'out_of_stock'],
      ['in stock', 'in_stock'],
      ['Out of Stock', 'out_of_stock'],
      ['有货', 'in_stock'],
      ['无货', 'out_of_stock'],
      ['缺货', 'out_of_stock'],
      ['预售', 'preorder'],
      ['已下架', 'discontinued'],
      ['', 'unknown'],
      ['pending', 'unknown'],
    ];
    for (const [input, want] of cases) expect([input, mapAvailability(input)]).toEqual([input, want]);
  });

  it('parseJsonLenient repairs what it can and gives undefined for the rest', () => {
    expect(parseJsonLenient('{"a": [1, 2,], }')).toEqual({ a: [1, 2] });
    expect(parseJsonLenient('<!-- {"a": "x\ny"} -->')).toEqual({ a: 'x\ny' });
    expect(parseJsonLenient('{"a": "27" Monitor"}')).toEqual({ a: '27" Monitor' });
    expect(parseJsonLenient('{"a":1}{"b":2}')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseJsonLenient('{"a": "C:\\path"}')).toEqual({ a: 'C:\\path' });
    expect(parseJsonLenient('{"a": ')).toBeUndefined();
    expect(parseJsonLenient('')).toBeUndefined();
  });
});

/** The failures issue 14 reports on real pages, and the signals that fix them. */
describe('extractProduct: the main offer, by agreement and position', () => {
  const shop = (head: string, main: string, after = '') =>
    page(
      head,
      `<header class="site-header"><div class="mini-cart"><span class="price">$0.00</span></div></header>
       <main><div class="product-main">${main}</div>${after}</main>
       <footer>Free shipping over $50</footer>`,
    );
  const carousel = (...prices: string[]) =>
    `<section class="shelf"><h2>Customers also bought</h2>${prices.map((p, i) => `<div class="tile"><a>Other ${i}</a><span class="price">${p}</span></div>`).join('')}</section>`;
  const get = (html: string, opts: Partial<ExtractProductOptions> = {}) => extractProduct(html, { url: URL_, ...opts });

  it('never takes a price from a recommendation block, and gives none where the page shows none', () => {
    // the price is filled in by a script: the static page has an empty element
    const js = shop('', `<h1>Robot Vacuum S8</h1><div class="p-price"><span>￥</span><span class="price J-p-1001"></span></div><button>加入购物车</button>`, carousel('¥99.00', '¥1,299.00'));
    expect(get(js)).toMatchObject({ name: 'Robot Vacuum S8', amount: null, currency: null });
    const onRequest = shop('', `<h1>Industrial Press 40t</h1><p class="price">Price on request</p><a class="button">Contact us</a>`, carousel('$12.00'));
    expect(get(onRequest)?.amount).toBeNull();
    // the carousel is not named as one: the section heading after the product says so
    const plain = shop('', `<h1>Headphones X</h1><p>Currently unavailable.</p>`, `<div class="row"><h3>You might like</h3><div><b>Cable</b> <span>$9.99</span></div></div>`);
    expect(get(plain)?.amount).toBeNull();
  });

  it('reads the current price, not the struck-through or "was" one, whichever comes first', () => {
    const woo = shop(
      '',
      `<h1 class="product_title">Soy Candle</h1><p class="price"><del aria-hidden="true"><span class="amount"><bdi>$20.00</bdi></span></del> <span class="screen-reader-text">Original price was: $20.00.</span><ins aria-hidden="true"><span class="amount"><bdi>$15.00</bdi></span></ins><span class="screen-reader-text">Current price is: $15.00.</span></p><button class="single_add_to_cart_button">Add to cart</button>`,
    );
    expect(get(woo)).toMatchObject({ amount: 15, currency: 'USD' });
    const rakuten = shop('', `<h1>今治タオル</h1><table><tr><td>通常価格 <span style="text-decoration:line-through">3,980円</span></td></tr><tr><td>価格 <span class="price2">2,980円</span> (税込)</td></tr></table><button>かごに追加</button>`);
    expect(get(rakuten)).toMatchObject({ amount: 2980, currency: 'JPY' });
    const cz = shop('', `<h1>Dřevěná stolička</h1><table><tr><td>Původní cena:</td><td><span>1 590 Kč</span></td></tr><tr><td>Cena:</td><td><strong>1 299 Kč</strong></td></tr></table><button>Do košíku</button>`);
    expect(get(cz)).toMatchObject({ amount: 1299, currency: 'CZK' });
  });

  it('skips small print: unit prices, ex-tax prices, instalments, tier prices, points', () => {
    const html = shop(
      '',
      `<h1>Espresso Beans 1 kg</h1><small class="unit-price">€2,49 / 100 g</small><div class="price-box"><span class="price">€24,90</span></div>
       <p class="installments">or 4 interest-free payments of €6,23</p><p>Ex Tax: €20,75</p><ul class="prices-tier"><li>Buy 3 for €22,00 each</li></ul>
       <button>Add to cart</button>`,
    );
    expect(get(html)).toMatchObject({ amount: 24.9, currency: 'EUR' });
  });

  it('joins cents written in their own element (Mercado Libre, <sup>)', () => {
    const ml = shop(
      '',
      `<h1 class="ui-pdp-title">Zapatillas</h1><s class="andes-money-amount andes-money-amount--previous"><span class="andes-money-amount__currency-symbol">$</span><span class="andes-money-amount__fraction">119.999</span><span class="andes-money-amount__cents">99</span></s>
       <div class="ui-pdp-price__second-line"><span class="andes-money-amount"><span class="andes-money-amount__currency-symbol">$</span><span class="andes-money-amount__fraction">89.999</span><span class="andes-money-amount__cents">99</span></span></div>
       <p>en 12 cuotas de $ 7.500</p><button>Comprar ahora</button>`,
    );
    expect(get(ml, { defaultCurrency: 'ARS' })).toMatchObject({ amount: 89999.99, currency: 'ARS' });
    const sup = shop('', `<h1>Desk Lamp</h1><span class="price">$24<sup>99</sup></span><button>Add to cart</button>`);
    expect(get(sup)?.amount).toBe(24.99);
  });

  it('thousands separators are not decimals: 3499 is not 3.5, 24.99 is not 24990, 99 is not 9900', () => {
    const ld1 = ld(`{"@type":"Product","name":"Sofa","offers":{"@type":"Offer","price":"3.499","priceCurrency":"EUR"}}`);
    expect(get(shop(ld1, `<h1>Sofa</h1><span class="price">3.499 €</span><button>In den Warenkorb</button>`))?.amount).toBe(3499);
    const og = `<meta property="og:type" content="product"><meta property="og:title" content="Mug"><meta property="product:price:amount" content="24,990"><meta property="product:price:currency" content="EUR">`;
    expect(get(shop(og, `<h1>Mug</h1><span class="price">24,99 €</span><button>In den Warenkorb</button>`))?.amount).toBe(24.99);
    // a theme printing {{ product.price }} (cents) into its JSON-LD
    const cents = ld(`{"@type":"Product","name":"Tote","offers":{"@type":"Offer","price":9900,"priceCurrency":"USD"}}`);
    expect(get(shop(cents, `<h1>Tote</h1><span class="price">$99.00</span><button>Add to cart</button>`))?.amount).toBe(99);
    // and the markup alone, in a dot-grouping shop
    expect(get(shop('', `<h1>Bike</h1><span class="price">R$ 3.499</span><button>Comprar</button>`))?.amount).toBe(3499);
  });

  it('structured data that shows the list price while the page shows a sale: the page wins', () => {
    const html = shop(
      ld(`{"@type":"Product","name":"Board Set","offers":{"@type":"Offer","price":"39.99","priceCurrency":"USD"}}`),
      `<h1>Board Set</h1><p class="price"><del>$39.99</del> <ins>$29.99</ins></p><button>Add to cart</button>`,
    );
    expect(get(html)).toMatchObject({ amount: 29.99, currency: 'USD' });
  });

  it('structured sources that disagree: the one the page shows wins', () => {
    const html = shop(
      `<meta property="og:type" content="product"><meta property="product:price:amount" content="1299"><meta property="product:price:currency" content="USD">` +
        ld(`{"@type":"Product","name":"Camera","offers":{"@type":"Offer","price":"999.00","priceCurrency":"USD"}}`),
      `<h1>Camera</h1><span class="price">$999.00</span><button>Add to cart</button>`,
    );
    expect(get(html)).toMatchObject({ amount: 999, source: 'json-ld' });
    const ogWins = shop(
      `<meta property="og:type" content="product"><meta property="product:price:amount" content="1299"><meta property="product:price:currency" content="USD">` +
        ld(`{"@type":"Product","name":"Camera","offers":{"@type":"Offer","price":"999.00","priceCurrency":"USD"}}`),
      `<h1>Camera</h1><span class="price">$1,299.00</span><button>Add to cart</button>`,
    );
    expect(get(ogWins)?.amount).toBe(1299);
  });

  it('reads RDFa (schema: vocabulary) with sku, gtin, brand and availability', () => {
    const html = page(
      '',
      `<article vocab="https://schema.org/" typeof="Product"><h1><span property="name">Wool Plaid</span></h1>
       <span property="brand" typeof="Brand"><span property="name">Texelwol</span></span> SKU: <span property="sku">TW-1</span> <span property="gtin13">8712345678906</span>
       <div property="offers" typeof="Offer"><span property="price" content="89.00">€ 89,00</span><meta property="priceCurrency" content="EUR"><link property="availability" href="https://schema.org/InStock"></div></article>`,
    );
    expect(get(html)).toMatchObject({ name: 'Wool Plaid', amount: 89, currency: 'EUR', availability: 'in_stock', sku: 'TW-1', gtin: '8712345678906', brand: 'Texelwol', source: 'rdfa' });
  });

  it('reads identifiers and stock written as label and value, in several languages', () => {
    const html = shop(
      '',
      `<h1>Kettle</h1><span class="price">$24.99</span><button>Add to cart</button>
       <ul><li>Brand: <a>Kettlecraft</a></li><li>Product Code: KC-17-S</li><li>Availability: Out Of Stock</li></ul>
       <div class="specs"><span>MPN</span> <span>KC-17</span></div><dl><dt>EAN</dt><dd>4006381333931</dd></dl>`,
    );
    expect(get(html)).toMatchObject({ brand: 'Kettlecraft', sku: 'KC-17-S', mpn: 'KC-17', gtin: '4006381333931', availability: 'out_of_stock' });
    const jd = page(
      '',
      `<div class="itemInfo-wrap"><div class="sku-name">格力 空调</div><span class="p-price"><span>￥</span><span class="price J-p-1">2599.00</span></span><a id="InitCartUrl" class="btn-special1">加入购物车</a></div>
       <div class="p-parameter"><ul><li>商品编号：100035246702</li><li>品牌：格力</li></ul></div>`,
    );
    expect(get(jd)).toMatchObject({ amount: 2599, currency: 'CNY', sku: '100035246702', brand: '格力' });
    expect(get(shop('', `<h1>Stolička</h1><span class="cena">1 299 Kč</span><p>Dostupnost: Skladem</p>`))?.availability).toBe('in_stock');
    expect(get(shop('', `<h1>Самовар</h1><span class="price">6 300 руб.</span><p>Нет в наличии</p>`))?.availability).toBe('out_of_stock');
  });

  it('a bare amount takes its currency from the price block, the default, or the page language', () => {
    const bare = (lang: string) => `<!doctype html><html lang="${lang}"><body><h1>商品</h1><span class="price">1299.00</span><button>加入购物车</button></body></html>`;
    expect(get(bare('zh-CN'))).toMatchObject({ amount: 1299, currency: 'CNY' });
    expect(get(bare('ja'))).toMatchObject({ amount: 1299, currency: 'JPY' });
    expect(get(bare('en'))).toMatchObject({ amount: 1299, currency: null });
    expect(get(bare('en'), { defaultCurrency: 'HKD' })).toMatchObject({ amount: 1299, currency: 'HKD' });
  });
});
