/**
 * Engagement counts as social and news pages show them: `1.2万` (12,000), `3.4亿`, `10万+`,
 * `1,234`, `2.5k`, `3w`, `转发 356`. Pure: any input gives a number or null, nothing throws.
 *
 * - The first number in the text wins; a multiplier right after it (万/w/W, 亿, k/K, m/M) applies.
 * - `10万+` and `999+` are their floor (the page does not say more).
 * - No digits at all (`转发`, `赞`, which Weibo shows for zero) is null, not 0: the page did not
 *   say a number, and null keeps "not shown" apart from "none".
 */

const MULTIPLIERS: Record<string, number> = { 万: 1e4, w: 1e4, W: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8, k: 1e3, K: 1e3, 千: 1e3, m: 1e6, M: 1e6 };

const RE_COUNT = /(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(万|萬|亿|億|千|[wWkKmM](?![a-zA-Z]))?/;

export function parseCount(text: string | number | null | undefined): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : null;
  if (typeof text !== 'string') return null;
  const m = RE_COUNT.exec(text.normalize('NFKC'));
  if (!m) return null;
  const n = Number(m[1]!.replace(/[,，]/g, ''));
  if (!Number.isFinite(n)) return null;
  const mult = m[2] ? (MULTIPLIERS[m[2]] ?? 1) : 1;
  return Math.round(n * mult);
}
