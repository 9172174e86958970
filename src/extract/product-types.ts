/** What the product reader gives; its own module so structured.ts (the readers) and product.ts (the merging) share it without importing each other. */
export type Availability = 'in_stock' | 'out_of_stock' | 'preorder' | 'discontinued' | 'unknown';

export interface ExtractedProduct {
  name: string | null;
  amount: number | null;
  currency: string | null;
  availability: Availability;
  sku?: string;
  gtin?: string;
  mpn?: string;
  brand?: string;
  url?: string;
  image?: string;
  source: 'json-ld' | 'microdata' | 'rdfa' | 'opengraph' | 'markup';
}
