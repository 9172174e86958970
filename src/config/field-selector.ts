/** How targets write what to read: a CSS selector, optionally with `@attr`. */
export interface FieldSelector {
  /** CSS selector inside the item; empty = the item itself. */
  css: string;
  /** Attribute to read; undefined = text content. */
  attr: string | undefined;
}

/** `".price"` → text of .price; `"a@href"` → href of the first a; `"@data-sku"` → attribute of the item. */
export function parseFieldSelector(spec: string): FieldSelector {
  const at = spec.lastIndexOf('@');
  // An @ inside brackets belongs to an attribute selector like a[href*="@"], not to our syntax.
  if (at >= 0 && !/[\]\)"']/.test(spec.slice(at))) {
    return { css: spec.slice(0, at).trim(), attr: spec.slice(at + 1).trim() };
  }
  return { css: spec.trim(), attr: undefined };
}
