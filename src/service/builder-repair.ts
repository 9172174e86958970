/**
 * Repairing a target whose selectors stopped matching (`layout_changed`): the builder opens on the
 * target's current page with its old selectors read there (and shown failing), proposes new ones,
 * and saves only what changed, `items:` and the next link, into the existing file: its comments,
 * schedule, thresholds and everything else stay as they were, and the save is refused if someone
 * changed the file meanwhile (ETag).
 */
import { isScalar, parseDocument } from 'yaml';
import type { Target } from '../config/target-schema.js';
import { targetUrl } from '../config/target-url.js';
import { RadarError } from '../core/errors.js';
import { requireAction, type Principal } from './access.js';
import type { PagesConfig } from './builder-pages.js';
import type { ServiceContext } from './context.js';
import { getTarget, updateTarget, validateTargetText, type TargetDetail } from './targets.js';

/** Failures a new click can fix: the selectors no longer find (enough of) the products. */
export const REPAIRABLE = new Set(['layout_changed', 'no_match', 'empty']);

export interface RepairStart {
  id: string;
  etag: string;
  /** The page the builder opens: the target's first page. */
  url: string;
  failure: { class: string; message: string | null } | null;
  old: { each: string; key: string | null; fields: Record<string, string>; next: string | null; numbered: boolean } | null;
  target: Target;
  /** The file as it is now, and where it is. */
  yaml: string;
  file: string;
}

export function repairStart(ctx: ServiceContext, who: Principal | null, id: string): RepairStart {
  requireAction(who, 'targets.write');
  const d = getTarget(ctx, who, id, { itemLimit: 1 });
  const target = validateTargetText(ctx, d.yaml, d.target.file);
  const h = d.target.health;
  const items = target.items;
  return {
    id,
    etag: d.etag,
    url: target.fetch.pages ? targetUrl(target, target.fetch.pages.from) : targetUrl(target),
    failure: h.failureClass ? { class: h.failureClass, message: h.message ?? null } : null,
    old: items ? { each: items.each, key: items.key ?? null, fields: { ...items.fields }, next: target.fetch.next ?? null, numbered: !!(target.fetch.pages || target.fetch.paginate) } : null,
    target,
    yaml: d.yaml,
    file: target.file,
  };
}

/** The old selectors read on today's page: how many items `each` finds and on how many each field reads. */
export async function oldSelectorsOn(html: string, url: string, old: NonNullable<RepairStart['old']>): Promise<{ each: string; count: number; fields: { name: string; selector: string; read: number }[]; next: { selector: string; leads: string | null } | null }> {
  const [{ loadHtml, parseFieldSelector, readValue }, { followNext }] = await Promise.all([import('../extract/selector.js'), import('../extract/suggest-pages.js')]);
  const $ = loadHtml(html);
  let nodes: ReturnType<typeof $> | null = null;
  try {
    nodes = $(old.each);
  } catch {
    nodes = null;
  }
  const list = nodes ? nodes.toArray() : [];
  const specs = [...(old.key ? [['key', old.key] as const] : []), ...Object.entries(old.fields)];
  const fields = specs.map(([name, spec]) => {
    const sel = parseFieldSelector(spec);
    const read = list.filter((n) => {
      try {
        return readValue(sel.css ? $(n).find(sel.css).first() : $(n), sel, url) !== null;
      } catch {
        return false;
      }
    }).length;
    return { name, selector: spec, read };
  });
  return { each: old.each, count: list.length, fields, next: old.next ? { selector: old.next, leads: followNext(html, old.next, url) } : null };
}

/** What the builder's form holds for the repair. */
export interface RepairEdit {
  each: string;
  key: string;
  fields: Partial<Record<'name' | 'price' | 'url' | 'stock', string>>;
  pages: PagesConfig | null;
}

/**
 * The existing file with its `items:` (each, key, and the fields the builder knows) and its next
 * link replaced; other fields of `items.fields` are kept (they may be custom names the builder
 * does not propose), as are comments and every other setting.
 */
export function repairedYaml(oldYaml: string, edit: RepairEdit): string {
  const doc = parseDocument(oldYaml);
  if (!edit.each) throw new RadarError('invalid', 'click a product on the picture (or type the item selector) before saving', { field: 'each' });
  // A value replaced in place is replaced in the text too, so every other line (comments,
  // spacing, quotes) stays byte for byte; adding or removing a line re-writes the document.
  const inPlace: { from: number; to: number; text: string }[] = [];
  let rewrite = false;
  const set = (path: string[], v: string) => {
    if (doc.getIn(path) === v) return;
    const node = doc.getIn(path, true);
    if (isScalar(node) && node.range) inPlace.push({ from: node.range[0], to: node.range[1], text: JSON.stringify(v) });
    else rewrite = true;
    doc.setIn(path, v);
  };
  const drop = (path: string[]) => {
    if (!doc.hasIn(path)) return;
    rewrite = true;
    doc.deleteIn(path);
  };
  set(['items', 'each'], edit.each);
  if (edit.key) set(['items', 'key'], edit.key);
  else drop(['items', 'key']);
  for (const f of ['name', 'price', 'url', 'stock'] as const) {
    // A known field left empty on purpose is dropped; custom fields the builder does not propose stay.
    if (edit.fields[f]) set(['items', 'fields', f], edit.fields[f]!);
    else drop(['items', 'fields', f]);
  }
  if (edit.fields.stock) drop(['items', 'fields', 'availability']);
  const numbered = doc.hasIn(['fetch', 'pages']) || doc.hasIn(['fetch', 'paginate']);
  if (edit.pages && 'url' in edit.pages) {
    set(['fetch', 'url'], edit.pages.url);
    set(['fetch', 'pages'], edit.pages.pages);
    drop(['fetch', 'next']);
    drop(['fetch', 'paginate']);
  } else if (edit.pages && !numbered) set(['fetch', 'next'], edit.pages.next);
  if (rewrite) return doc.toString({ lineWidth: 0 });
  let text = oldYaml;
  for (const e of inPlace.sort((a, b) => b.from - a.from)) text = text.slice(0, e.from) + e.text + text.slice(e.to);
  return text;
}

/** Saves the repaired file over the version the builder opened (refused if it changed since). */
export function saveRepair(ctx: ServiceContext, who: Principal | null, id: string, yaml: string, etag: string): TargetDetail {
  return updateTarget(ctx, who, id, { yaml }, etag);
}
