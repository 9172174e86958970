/**
 * What the schema cannot see in a target file: a schedule that is no cron, a selector cheerio
 * would throw on, a field name the kind never reads. Each is found when the file is read (by
 * `radar validate`, `run`, `status` and the daemon's reload), with the path of the field so the
 * message can name its line, and a hint for the fix.
 */
import { cronProblem } from '../time/cron.js';
import { parseFieldSelector } from './field-selector.js';
import { selectorProblem } from './selector-check.js';
import { closest } from './suggest.js';
import type { Target } from './target-schema.js';

export interface TargetIssue {
  path: (string | number)[];
  message: string;
}

/** What a kind says about its fields (see KindPlugin): passed in, so this file needs no registry. */
export interface KindFields {
  name: string;
  requiredFields: readonly string[];
  fields?: readonly string[];
}

export function targetIssues(t: Omit<Target, 'file'>, kind: KindFields | undefined): TargetIssue[] {
  return [...scheduleIssues(t), ...selectorIssues(t), ...(kind ? fieldNameIssues(t, kind) : [])];
}

function scheduleIssues(t: Omit<Target, 'file'>): TargetIssue[] {
  const problem = cronProblem(t.schedule);
  if (!problem) return [];
  const detail = problem.replace(/^invalid cron "[^"]*": /, '');
  const parts = /expected 5 fields .* got (\d+)/.exec(detail);
  const why = parts ? `it has ${parts[1]} part${parts[1] === '1' ? '' : 's'}, a cron has 5: minute hour day-of-month month weekday` : detail;
  return [{ path: ['schedule'], message: `"${t.schedule}" is not a cron: ${why} (e.g. "0 9 * * *" = 09:00 every day, "0 8 * * 1-5" = weekdays at 08:00)` }];
}

/** Every place a target names a CSS selector (JSON targets name JSON paths instead, checked elsewhere). */
function selectorIssues(t: Omit<Target, 'file'>): TargetIssue[] {
  const out: TargetIssue[] = [];
  const check = (path: (string | number)[], spec: string | undefined, withAttr = true): void => {
    if (spec === undefined) return;
    const css = withAttr ? parseFieldSelector(spec).css : spec;
    const problem = selectorProblem(css);
    if (!problem) return;
    // A syntax error is easiest to see where the page is: the browser's console says the same.
    if (problem.startsWith('not ')) out.push({ path, message: `"${spec}" is ${problem} (check it on the page: document.querySelectorAll('${css.replace(/'/g, "\\'")}') in the browser's console)` });
    else out.push({ path, message: `"${spec}": ${problem}` });
  };
  if (t.fetch.mode !== 'json') {
    if (t.items) {
      check(['items', 'each'], t.items.each, false);
      check(['items', 'key'], t.items.key);
      for (const [name, spec] of Object.entries(t.items.fields)) check(['items', 'fields', name], spec);
    }
    check(['fetch', 'next'], t.fetch.next);
  }
  check(['fetch', 'wait_for'], t.fetch.wait_for, false);
  t.fetch.steps.forEach((s, i) => {
    const [verb, spec] = 'click' in s ? ['click', s.click] : 'fill' in s ? ['fill', s.fill] : 'select' in s ? ['select', s.select] : 'wait_for' in s ? ['wait_for', s.wait_for] : [null, undefined];
    if (verb) check(['fetch', 'steps', i, verb], spec, false);
  });
  for (const [name, spec] of Object.entries(t.detail?.fields ?? {})) if (!spec.startsWith('label:')) check(['detail', 'fields', name], spec);
  return out;
}

/**
 * A misspelt field is not an error the schema sees (targets may keep extra fields), but a price
 * target without `price` fails every run. So: every required field must be defined, and a name
 * one slip away from a field the kind reads is taken for a typo.
 */
function fieldNameIssues(t: Omit<Target, 'file'>, kind: KindFields): TargetIssue[] {
  if (!t.items) return [];
  const out: TargetIssue[] = [];
  const defined = Object.keys(t.items.fields);
  const detail = Object.keys(t.detail?.fields ?? {});
  const known = new Set([...(kind.fields ?? []), ...kind.requiredFields]);
  const required = t.items.required ?? kind.requiredFields;
  const blamed = new Set<string>();
  for (const r of required) {
    if (defined.includes(r) || detail.includes(r)) continue;
    const near = defined.find((d) => !known.has(d) && closest(d, [r]) === r);
    if (near) {
      blamed.add(near);
      out.push({ path: ['items', 'fields', near], message: `"${near}" is not a field ${kind.name} targets read; did you mean "${r}"? (${kind.name} targets need ${list(required)})` });
    } else {
      const typo = closest(r, defined);
      out.push({
        path: t.items.required ? ['items', 'required', t.items.required.indexOf(r)] : ['items', 'fields'],
        message: typo ? `"${r}" is not one of items.fields; did you mean "${typo}"?` : `no "${r}" field: ${t.items.required ? 'items.required lists it' : `${kind.name} targets need ${list(required)}`} in items.fields`,
      });
    }
  }
  for (const d of defined) {
    if (known.has(d) || blamed.has(d)) continue;
    const near = closest(d, known);
    if (near && !defined.includes(near)) out.push({ path: ['items', 'fields', d], message: `"${d}" is not a field ${kind.name} targets read; did you mean "${near}"? (other names are kept as they are)` });
  }
  return out;
}

function list(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}
