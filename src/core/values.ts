/**
 * A field of stored item data (string | number | boolean | null) read as the type a rule or a
 * digest needs. The kinds each kept their own `num`/`str`, and `str` meant "any string" in one and
 * "a string with text in it" in the others: the two meanings have two names here.
 */

/** A finite number, else null. */
export function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Any string, the empty one included, else null. */
export function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A string with something besides white space (returned as it is), else null. */
export function textOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}
