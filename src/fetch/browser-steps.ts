/**
 * A target's browser steps (click, scroll, fill, select, wait), as a run does them and the
 * console's step recorder replays them. A step that cannot be done fails the run with a
 * StepFailure naming the step ("step 2 (click "#city-sh"): ..."), so a run never reads a page the
 * steps did not get to (the prices of the wrong city, the first screen of a list). A step marked
 * `optional: true` (a cookie banner that only sometimes shows) is skipped when its element is not there.
 */
import type { Locator, Page } from 'playwright-core';
import { interpolateEnv } from '../config/env.js';
import type { BrowserStep, Target } from '../config/target-schema.js';
import { FetchFailure, type FailureClass } from '../core/verdict.js';

/** How long an optional step looks for its element before it is skipped (a banner shows early, if at all). */
const OPTIONAL_WAIT_MS = 3000;
/** How long a click waits for its element to take the click (not covered, enabled, still). */
const CLICK_MS = 5000;

export type StepFailureClass = Extract<FailureClass, 'step_failed' | 'timeout'>;

/** A step that could not be done; `number` counts from 1, as a person reads fetch.steps. */
export class StepFailure extends FetchFailure {
  readonly number: number;
  readonly step: BrowserStep;
  /** What went wrong, without the step's name (the recorder says it its own way). */
  readonly reason: string;
  constructor(number: number, step: BrowserStep, cls: StepFailureClass, reason: string, cause?: unknown) {
    super({ class: cls, message: `step ${number} (${describeStep(step)}): ${reason}` }, cause);
    this.name = 'StepFailure';
    this.number = number;
    this.step = step;
    this.reason = reason;
  }
}

export function describeStep(step: BrowserStep): string {
  if ('click' in step) return `click "${step.click}"`;
  if ('scroll' in step) return `scroll ${step.scroll}`;
  if ('fill' in step) return `fill "${step.fill}"`;
  if ('select' in step) return `select "${step.select}"`;
  if ('wait_for' in step) return `wait_for "${step.wait_for}"`;
  return `wait_ms ${step.wait_ms}`;
}

/** The element a step works on, if it works on one. */
export function stepSelector(step: BrowserStep): string | null {
  return 'click' in step ? step.click : 'fill' in step ? step.fill : 'select' in step ? step.select : null;
}

/**
 * One browser step (number: its place in fetch.steps, from 1). Throws StepFailure when it cannot
 * be done; an optional step whose element is not there is skipped.
 */
export async function runStep(page: Page, step: BrowserStep, number: number, each: string | null, target: Target, timeoutMs: number): Promise<void> {
  const fail = (reason: string, cause?: unknown, cls: StepFailureClass = 'step_failed') => new StepFailure(number, step, cls, reason, cause);
  const optional = 'optional' in step && step.optional === true;
  const lookMs = optional ? Math.min(OPTIONAL_WAIT_MS, timeoutMs) : timeoutMs;
  if ('click' in step) {
    for (let n = 0; n < step.times; n++) {
      const button = page.locator(step.click).first();
      if (n === 0) {
        if (!(await visible(button, lookMs))) {
          if (optional) return;
          throw fail(`nothing visible matches "${step.click}" within ${lookMs} ms (the page changed? a step that only sometimes applies can be marked optional: true)`);
        }
      } else if (!(await button.isVisible().catch(() => false))) break; // "load more" is gone: everything is shown
      // A single click (a city, a tab) may redraw the items without adding any: its wait ends when they change.
      const redraw = step.times === 1;
      const before = await pageSize(page, each, redraw);
      try {
        await button.click({ timeout: Math.max(step.wait_ms, CLICK_MS) });
      } catch (e) {
        // After the first click, a "load more" that can no longer be clicked (disabled at the end, a last spinner) ends the step.
        if (n > 0) break;
        throw fail(clickError(e), e);
      }
      if (!(await grew(page, each, before, step.wait_ms))) break;
    }
    return;
  }
  if ('scroll' in step) {
    for (let n = 0; n < step.scroll; n++) {
      const before = await pageSize(page, each);
      await page.evaluate(() => window.scrollTo(0, document.scrollingElement?.scrollHeight ?? document.body.scrollHeight));
      if (!(await grew(page, each, before, step.wait_ms))) break;
    }
    return;
  }
  if ('fill' in step || 'select' in step) {
    const selector = 'fill' in step ? step.fill : step.select;
    const box = page.locator(selector).first();
    if (!(await attached(box, lookMs))) {
      if (optional) return;
      throw fail(`nothing matches "${selector}" within ${lookMs} ms`);
    }
    try {
      if ('fill' in step) {
        await box.fill(interpolateEnv(step.value, process.env, target.file), { timeout: CLICK_MS });
        if (step.submit) {
          await box.press('Enter', { timeout: CLICK_MS });
          await page.waitForLoadState('domcontentloaded').catch(() => undefined);
        }
      } else {
        // The YAML may name the option by its value or by the text people see.
        const value = await box.evaluate((el, want) => {
          const opts = Array.from((el as HTMLSelectElement).options ?? []);
          return (opts.find((o) => o.value === want) ?? opts.find((o) => o.text.trim() === want))?.value ?? null;
        }, step.value);
        if (value === null) throw fail(`no option "${step.value}"`);
        await box.selectOption(value, { timeout: CLICK_MS });
      }
    } catch (e) {
      if (e instanceof StepFailure) throw e;
      // The value itself may be a secret (${ENV}): the reason names the element, never what was typed.
      throw fail(clickError(e), e);
    }
    if (step.wait_ms) await page.waitForTimeout(step.wait_ms);
    return;
  }
  if ('wait_for' in step) {
    const ms = optional ? Math.min(step.timeout_ms ?? timeoutMs, lookMs) : (step.timeout_ms ?? timeoutMs);
    const ok = await page.waitForSelector(step.wait_for, { state: 'attached', timeout: ms }).then(() => true, () => false);
    if (!ok && !optional) throw fail(`did not appear within ${ms} ms`, undefined, 'timeout');
    return;
  }
  await page.waitForTimeout(step.wait_ms);
}

async function visible(el: Locator, ms: number): Promise<boolean> {
  return el.waitFor({ state: 'visible', timeout: ms }).then(() => true, () => false);
}

async function attached(el: Locator, ms: number): Promise<boolean> {
  return el.waitFor({ state: 'attached', timeout: ms }).then(() => true, () => false);
}

/** Playwright's reason in a person's words: what covers the element, or that it never became clickable. */
function clickError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const cover = /(<[^\n]{1,160}?>)(?: from <[^\n]*?> subtree)? intercepts pointer events/.exec(msg)?.[1];
  if (cover) return `something else on the page is over it: ${cover} (a pop-up to close first?)`;
  if (/not enabled|disabled/i.test(msg)) return 'the element is disabled';
  if (/not visible|outside of the viewport/i.test(msg)) return 'the element is not visible';
  if (/detached|not attached/i.test(msg)) return 'the element went away while being clicked';
  if (/Timeout \d+ms exceeded/.test(msg)) return `the element could not be clicked within ${/Timeout (\d+)ms/.exec(msg)![1]} ms`;
  return msg.split('\n')[0]!.slice(0, 200);
}

interface PageSize {
  items: number;
  height: number;
  /** A hash of the items' text, when a redraw counts as a change (null: only more items or more page do). */
  text: number | null;
}

/**
 * Items, page height and, for a redraw, a 32-bit hash of the items' text (the same items drawn
 * again hash the same, another city's prices do not). Written out in each page function: they run
 * in the page, as sent, and a page's CSP may forbid building a function there from text.
 */
async function pageSize(page: Page, each: string | null, redraw = false): Promise<PageSize> {
  return page.evaluate(
    ([sel, redraw]) => {
      let text: number | null = null;
      if (sel && redraw) {
        text = 0;
        for (const el of Array.from(document.querySelectorAll(sel))) {
          const t = el.textContent ?? '';
          for (let i = 0; i < t.length; i++) text = (Math.imul(text, 31) + t.charCodeAt(i)) | 0;
        }
      }
      return { items: sel ? document.querySelectorAll(sel).length : 0, height: document.scrollingElement?.scrollHeight ?? 0, text };
    },
    [each, redraw] as const,
  );
}

/** After a click or a scroll: did more items (or more page, or other items for a redraw) arrive within `ms`? */
async function grew(page: Page, each: string | null, before: PageSize, ms: number): Promise<boolean> {
  if (ms <= 0) return true;
  return page
    .waitForFunction(
      ([sel, items, height, text]) => {
        if ((sel ? document.querySelectorAll(sel).length !== items : false) || (document.scrollingElement?.scrollHeight ?? 0) > height) return true;
        if (!sel || text === null) return false;
        let now = 0;
        for (const el of Array.from(document.querySelectorAll(sel))) {
          const t = el.textContent ?? '';
          for (let i = 0; i < t.length; i++) now = (Math.imul(now, 31) + t.charCodeAt(i)) | 0;
        }
        return now !== text;
      },
      [each, before.items, before.height, before.text] as const,
      { timeout: ms, polling: 100 },
    )
    .then(() => true, () => false);
}
