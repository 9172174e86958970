import type { CheerioAPI } from 'cheerio';
import { extractJsonLdProducts, type ExtractedProduct } from './product.js';

/**
 * The products of a listing page whose JSON-LD is an ItemList of two or more, or null. A product
 * page's JSON-LD often lists related products beside its own: without an ItemList those stay
 * out, and the page is read as the one product it is about.
 */
export function listedJsonLdProducts($: CheerioAPI, opts: { url: string; defaultCurrency?: string }): ExtractedProduct[] | null {
  const listed = $('script[type="application/ld+json"]')
    .toArray()
    .some((s) => /"@type"\s*:\s*(\[[^\]]*)?"ItemList"/.test($(s).text()));
  if (!listed) return null;
  const products = extractJsonLdProducts($, opts);
  return products.length >= 2 ? products : null;
}
