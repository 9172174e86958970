/**
 * Where a product page's own product is: the title (the anchor), the add-to-cart button, the block
 * around them, and the section headings that start something else ("You may also like", 为你推荐).
 *
 * Prices, stock words and identifiers are read from that block only, so a carousel, a mini-cart or
 * a "customers also bought" list never gives the page's price, and a page whose product shows no
 * price gives none.
 */
import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/** Names in class / id that mark something other than the page's product. */
const NOT_MAIN =
  /mini-?cart|minicart|related|recommend|upsell|up-sell|cross-?sell|similar|also-?(?:bought|viewed|like)|sims-|sponsored|carousel|merch|tuijian|guess-?you|you-?may|bought-?together|recently-?viewed|other-?product|more-?from|cms-element-cross-selling|product-recommendations|skuGrid|J-rec|J_TjWaterfall/i;
/** Page chrome, unless it sits inside the product's own content (`<article><header><h1>`). */
const CHROME_TAGS = new Set(['header', 'nav', 'footer', 'aside']);
const CONTENT_TAGS = new Set(['main', 'article']);

/** The product title: specific shop layouts first, then the generic ones. */
const ANCHOR_SELECTORS = [
  '#productTitle',
  '.product_title',
  '.product-title',
  '.productView-title',
  '.product-detail-name',
  '.ui-pdp-title',
  '.x-item-title__mainTitle',
  '.sku-name',
  '.tb-detail-hd h1',
  '.tb-main-title',
  '.prod-buy-header__title',
  '[data-testid="lblPDPDetailProductName"]',
  'h1',
  '.product-name',
  '.productName',
  '[itemprop="name"]',
];

/** Words on a buy button, in the languages our users' competitors sell in. */
const CART_WORDS =
  /add[\s-]?to[\s-]?(?:cart|bag|basket)|buy now|addtocart|tocart|add-to-cart|single_add_to_cart|btn-buy|加入购物车|加入購物車|立即购买|立即購買|购买|かごに追加|カートに入れる|장바구니|바로구매|keranjang|beli|in den warenkorb|warenkorb|ajouter au panier|añadir al carrito|agregar al carrito|comprar|aggiungi al carrello|in winkelwagen|do košíku|koupit|kosárba|в корзину|купить|lägg i varukorgen|sepete ekle|dodaj do koszyka|thêm vào giỏ|mua ngay|pridať do košíka/i;

export interface ProductBlock {
  /** The product title element, when the page has one we recognise. */
  anchor: Element | null;
  /** The element to read the product's own fields from (the whole body when nothing better is known). */
  root: Element;
  /** Document position of every element, for "before / after" questions. */
  order: Map<Element, number>;
  /** Elements in page chrome or in another product's block (carousels, mini-carts): see `inChrome`. */
  chrome: Set<Element>;
  /** Position of the anchor's end: things after it come after the title. */
  anchorEnd: number;
  /** Positions of section headings after the anchor (a new section starts there). */
  sections: number[];
}

export function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && 'attribs' in p ? (p as Element) : null;
}

const names = (el: Element) => `${el.attribs['class'] ?? ''} ${el.attribs['id'] ?? ''} ${el.attribs['data-widget'] ?? ''}`;

/**
 * Inside a carousel / mini cart, or inside page chrome that is not part of the product content.
 * Walks the parent chain by hand: cheerio's `closest` re-matches a selector list per ancestor.
 */
export function inChrome(el: Element): boolean {
  let chrome = false;
  let contentAboveChrome = false;
  for (let node: Element | null = el; node; node = parentElement(node)) {
    const tag = node.tagName.toLowerCase();
    if (tag === 'body' || tag === 'html') break; // page-wide classes say nothing about this element
    const n = names(node);
    if (NOT_MAIN.test(n)) return true;
    if (!chrome && CHROME_TAGS.has(tag)) chrome = true;
    if (chrome && (CONTENT_TAGS.has(tag) || /product/i.test(n))) contentAboveChrome = true;
  }
  return chrome && !contentAboveChrome;
}

function textOf(el: Element, limit = 200): string {
  let out = '';
  const stack: AnyNode[] = [el];
  while (stack.length > 0 && out.length < limit) {
    const n = stack.pop()!;
    if (n.type === 'text') out += (n as unknown as { data: string }).data;
    else if ('children' in n && n.type !== 'script' && n.type !== 'style') {
      for (let i = (n as Element).children.length - 1; i >= 0; i--) stack.push((n as Element).children[i]!);
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

function depth(el: Element): number {
  let d = 0;
  for (let p = parentElement(el); p; p = parentElement(p)) d++;
  return d;
}

function ancestors(el: Element): Element[] {
  const out: Element[] = [];
  for (let p: Element | null = el; p; p = parentElement(p)) out.push(p);
  return out;
}

function commonAncestor(a: Element, b: Element): Element | null {
  const seen = new Set(ancestors(a));
  for (let p: Element | null = b; p; p = parentElement(p)) if (seen.has(p)) return p;
  return null;
}

/** The first title-like element that is not in chrome or a carousel. */
function findAnchor($: CheerioAPI): Element | null {
  for (const selector of ANCHOR_SELECTORS) {
    for (const el of $(selector).toArray()) {
      if (el.type !== 'tag' || inChrome(el as Element)) continue;
      const t = textOf(el as Element);
      if (t !== '' && t.length <= 300) return el as Element;
    }
  }
  return null;
}

/** The buy button nearest after the anchor (or the first one on the page). */
function findCart($: CheerioAPI, order: Map<Element, number>, after: number): Element | null {
  let best: Element | null = null;
  for (const el of $('button, input[type="submit"], input[type="button"], a[id], a[class]').toArray()) {
    const e = el as Element;
    if (inChrome(e)) continue;
    const label = `${e.attribs['value'] ?? ''} ${e.attribs['title'] ?? ''} ${e.attribs['aria-label'] ?? ''} ${names(e)} ${e.attribs['name'] ?? ''} ${textOf(e, 60)}`;
    if (!CART_WORDS.test(label)) continue;
    if ((order.get(e) ?? 0) >= after) return e;
    best ??= e;
  }
  return best;
}

/** Headings that start another section: a heading after the title that is not itself a price. */
function sectionStarts($: CheerioAPI, order: Map<Element, number>, after: number): number[] {
  const out: number[] = [];
  for (const el of $('h2, h3, h4').toArray()) {
    const e = el as Element;
    const at = order.get(e) ?? -1;
    if (at <= after) continue;
    const t = textOf(e, 120);
    // `<h2>$98.00</h2>` (OpenCart) is the price, not a section.
    if (t === '' || /\d/.test(t) || t.length > 100) continue;
    out.push(at);
  }
  return out;
}

/**
 * Document order and chrome membership of every element, in one walk (asking `inChrome` per
 * element walks the ancestors each time: seconds on a deeply nested page).
 */
function walkPage($: CheerioAPI): { order: Map<Element, number>; chrome: Set<Element> } {
  const order = new Map<Element, number>();
  const chrome = new Set<Element>();
  let i = 0;
  // [node, inside chrome, inside content (main / article / a product block)]
  const stack: [AnyNode, boolean, boolean][] = [...$.root().get(0)!.children].reverse().map((n) => [n, false, false] as [AnyNode, boolean, boolean]);
  while (stack.length > 0) {
    const [n, outerChrome, outerContent] = stack.pop()!;
    if (n.type !== 'tag' && n.type !== 'script' && n.type !== 'style') continue;
    const el = n as Element;
    order.set(el, i++);
    const tag = el.tagName.toLowerCase();
    const page = tag === 'body' || tag === 'html';
    const nm = page ? '' : names(el);
    let isChrome = outerChrome || (!page && NOT_MAIN.test(nm));
    if (!isChrome && !outerContent && CHROME_TAGS.has(tag)) isChrome = true;
    const content = outerContent || (!page && !isChrome && (CONTENT_TAGS.has(tag) || /product/i.test(nm)));
    if (isChrome) chrome.add(el);
    for (let k = el.children.length - 1; k >= 0; k--) stack.push([el.children[k]!, isChrome, content]);
  }
  return { order, chrome };
}

export function findProductBlock($: CheerioAPI): ProductBlock {
  const { order, chrome } = walkPage($);
  const body = ($('body').get(0) ?? $.root().children().get(0) ?? $.root().get(0)) as Element;

  const anchor = findAnchor($);
  if (!anchor) return { anchor: null, root: body, order, chrome, anchorEnd: -1, sections: [] };

  // The anchor's end: the last element inside it.
  let anchorEnd = order.get(anchor) ?? 0;
  for (const el of $(anchor).find('*').toArray()) anchorEnd = Math.max(anchorEnd, order.get(el as Element) ?? 0);

  // Title and buy button share a block; without a button, the title's grandparent.
  let root: Element = anchor;
  for (let k = 0; k < 2 && parentElement(root); k++) root = parentElement(root)!;
  const cart = findCart($, order, anchorEnd);
  if (cart) {
    const lca = commonAncestor(anchor, cart);
    if (lca && depth(anchor) - depth(lca) <= 6 && depth(lca) < depth(root)) root = lca;
  }
  return { anchor, root, order, chrome, anchorEnd, sections: sectionStarts($, order, anchorEnd) };
}

/** After the title and before the next section heading (no title: anywhere). */
export function inMainFlow(block: ProductBlock, el: Element): boolean {
  if (!block.anchor) return true;
  const at = block.order.get(el) ?? -1;
  if (at <= block.anchorEnd) return false;
  return !block.sections.some((s) => s < at);
}
