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
