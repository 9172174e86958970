export type Split = 'tuned' | 'heldOut';

export interface PriceCase {
  line: number;
  split: Split;
  text: string;
  amount: number | null;
  currency: string | null;
  from: boolean;
  opts: { defaultCurrency?: string; currencyHint?: string; decimalSeparator?: '.' | ',' };
  source: string;
}

export interface PriceScore {
  n: number;
  amount: number;
  both: number;
  misses: { line: number; text: string; opts: PriceCase['opts']; want: { amount: number | null; currency: string | null }; got: { amount: number | null; currency: string | null } }[];
}

export function loadPriceCorpus(dir?: string): PriceCase[];
export function scorePrices(
  parsePrice: (text: string, opts?: PriceCase['opts']) => { amount: number | null; currency: string | null },
  cases: PriceCase[],
): Partial<Record<Split, PriceScore>>;

export const PRODUCT_FIELDS: readonly ['price', 'currency', 'name', 'availability', 'sku', 'gtin', 'mpn', 'brand'];
export type ProductField = (typeof PRODUCT_FIELDS)[number];

export interface ProductPage {
  id: string;
  split: Split;
  platform: string;
  country: string;
  url: string;
  label: Record<ProductField, string | number | null>;
  html: string;
}

export interface ProductScore {
  pages: number;
  fields: Record<ProductField, { tp: number; fp: number; fn: number }>;
  misses: { id: string; field: string; want: unknown; got: unknown }[];
}

export function loadProductCorpus(dir?: string): ProductPage[];
export function scoreProducts(extractProduct: (html: string, opts: { url: string }) => unknown, pages: ProductPage[]): Partial<Record<Split, ProductScore>>;
