/**
 * Whether an offer can be bought now, from what a page says about it:
 *
 *   parseAvailability('https://schema.org/OutOfStock') → 'out_of_stock'
 *   parseAvailability('InStock')                        → 'in_stock'
 *   parseAvailability('暂时无货，到货通知')              → 'out_of_stock'
 *   parseAvailability('现货 当天发')                     → 'in_stock'
 *   parseAvailability('Only 3 left')                    → 'in_stock'
 *   parseAvailability('¥2,999')                         → null (says nothing)
 *
 * Pre-orders, back-orders and discontinued items cannot be bought now: out of stock, for a
 * price comparison as for a restock alert. Pure, never throws.
 */
export type StockState = 'in_stock' | 'out_of_stock';

const SCHEMA: Record<string, StockState> = {
  instock: 'in_stock',
  limitedavailability: 'in_stock',
  onlineonly: 'in_stock',
  instoreonly: 'in_stock',
  outofstock: 'out_of_stock',
  soldout: 'out_of_stock',
  discontinued: 'out_of_stock',
  preorder: 'out_of_stock',
  presale: 'out_of_stock',
  backorder: 'out_of_stock',
  madetoorder: 'in_stock',
};

const OUT = /缺货|无货|售罄|已售完|已售罄|卖光|已抢光|已下架|到货通知|补货中|暂不销售|暂无库存|库存不足|预售|预定|預購|缺貨|售完|out\s*of\s*stock|sold\s*out|unavailable|not\s+available|no\s+longer\s+available|pre-?\s?order|back-?\s?order|notify\s+me\s+when|discontinued/i;
const IN = /有货|現貨|现货|在售|库存充足|仅剩\s*\d|剩余\s*\d|可售|立即购买|加入购物车|in\s*stock|available|only\s+\d+\s+left|add\s+to\s+(cart|basket)|buy\s+now/i;

export function parseAvailability(text: unknown): StockState | null {
  if (typeof text !== 'string') return null;
  const t = text.trim();
  if (t === '') return null;
  // schema.org values, also as extractProduct gives them ("in_stock").
  const schema = /^(?:https?:\/\/schema\.org\/)?([A-Za-z_]+)$/.exec(t);
  if (schema) {
    const v = SCHEMA[schema[1]!.toLowerCase().replace(/_/g, '')];
    if (v) return v;
  }
  // "unavailable" contains "available": the out-of-stock words are asked first.
  if (OUT.test(t)) return 'out_of_stock';
  if (IN.test(t)) return 'in_stock';
  return null;
}
