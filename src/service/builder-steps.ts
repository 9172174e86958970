/**
 * Recording a target's browser steps in the console builder: a live page per person, clicked,
 * typed into, chosen from, scrolled and waited on; each action done on that page and kept as a
 * step in the target's own `steps:` format (what a person would write by hand), removable, and
 * replayed from the address in a fresh browser context on request. Ops and admins only, and each
 * session only for the person who opened it.
 */
import { stringify } from 'yaml';
import { RadarError } from '../core/errors.js';
import { FetchFailure } from '../core/verdict.js';
import { stepElement, type StepElement } from '../extract/step-selector.js';
import type { Box, Capture, ElementBox, Highlighter } from '../fetch/page-capture.js';
import { StepRecorder, type StepInput } from '../fetch/step-recorder.js';
import { requireAction, type Principal } from './access.js';
import type { ServiceContext } from './context.js';
import { scratchTarget } from './builder-target.js';

/** One recorder (one browser) per console: the console's shutdown closes it. */
const recorders = new WeakMap<ServiceContext, StepRecorder>();

export function stepRecorder(ctx: ServiceContext): StepRecorder {
  let r = recorders.get(ctx);
  if (!r) recorders.set(ctx, (r = new StepRecorder()));
  return r;
}

/** Ends every builder session and the builder's browser (the server is closing). */
export async function closeBuilderSessions(ctx: ServiceContext): Promise<void> {
  const r = recorders.get(ctx);
  recorders.delete(ctx);
  await r?.close();
}

/** What a person does on the page. The selector comes from the element clicked on the picture (and may be edited). */
export type StepAction =
  | { do: 'click'; selector: string }
  | { do: 'fill'; selector: string; value: string; submit?: boolean }
  | { do: 'select'; selector: string; value: string }
  | { do: 'wait_for'; selector: string }
  | { do: 'scroll'; times: number }
  | { do: 'wait'; ms: number };

export interface StepsView {
  id: string;
  url: string;
  width: number;
  height: number;
  image: string;
  boxes: ElementBox[];
  /** The steps so far, each as its YAML line(s), numbered from 1. */
  steps: { n: number; yaml: string }[];
  /** The `steps:` block as it will be saved. */
  yaml: string;
  notes: string[];
  /** The element clicked on the picture, when one was: what can be done with it. */
  picked: (StepElement & { path: string; box: Box | null }) | null;
}

export async function startSteps(ctx: ServiceContext, who: Principal | null, url: string): Promise<{ id: string }> {
  requireAction(who, 'targets.write');
  const target = scratchTarget(url);
  try {
    const s = await stepRecorder(ctx).start(who.user, url, target);
    return { id: s.id };
  } catch (err) {
    throw asRadarError(err, 'url');
  }
}

export async function stepsView(ctx: ServiceContext, who: Principal | null, id: string, pick: number[] | null): Promise<StepsView> {
  const s = session(ctx, who, id);
  const r = stepRecorder(ctx);
  let cap: Capture;
  try {
    cap = s.capture ?? (await r.capture(id));
  } catch (e) {
    throw asRadarError(e, null);
  }
  let picked: StepsView['picked'] = null;
  if (pick) {
    const el = stepElement(cap.html, pick);
    if (el) {
      const box = cap.boxes.find((b) => b.path.join('.') === pick.join('.')) ?? null;
      // The selector was found on the page's HTML; the live page has the last word on what it finds.
      const named = await r.names(id, el.selector, pick).catch(() => false);
      picked = { ...el, path: pick.join('.'), box: box ? { x: box.x, y: box.y, w: box.w, h: box.h } : null, ...(named ? {} : { matches: 0 }) };
    }
  }
  const notes = s.notes.splice(0);
  return {
    id,
    url: s.url,
    width: cap.width,
    height: cap.height,
    image: `data:image/jpeg;base64,${cap.screenshot.toString('base64')}`,
    boxes: cap.boxes,
    steps: s.steps.map((step, i) => ({ n: i + 1, yaml: stepYaml(step) })),
    yaml: s.steps.length ? stringify({ steps: s.steps }, { lineWidth: 0 }) : '',
    notes,
    picked,
  };
}

/** Does the action on the live page; it becomes a step only if it worked (else the reason, as a note). */
export async function recordStep(ctx: ServiceContext, who: Principal | null, id: string, action: StepAction): Promise<{ recorded: boolean; problem: string | null }> {
  const s = session(ctx, who, id);
  const step = toStep(action);
  const problem = await stepRecorder(ctx)
    .perform(id, step)
    .catch((e: unknown) => Promise.reject(asRadarError(e, null)));
  if (problem) s.notes.push(problem);
  return { recorded: !problem, problem };
}

/** Drops step `n` (from 1) and replays the rest from the address. */
export async function removeStep(ctx: ServiceContext, who: Principal | null, id: string, n: number): Promise<void> {
  const s = session(ctx, who, id);
  if (!Number.isInteger(n) || n < 1 || n > s.steps.length) throw new RadarError('invalid', `there is no step ${n}`, { field: 'step' });
  const rest = s.steps.filter((_, i) => i !== n - 1);
  await stepRecorder(ctx)
    .replay(id, rest)
    .catch((e: unknown) => Promise.reject(asRadarError(e, null)));
}

/** From the address again, in a fresh context, with every step: what a run will do. */
export async function replaySteps(ctx: ServiceContext, who: Principal | null, id: string): Promise<string[]> {
  session(ctx, who, id);
  return stepRecorder(ctx)
    .replay(id)
    .catch((e: unknown) => Promise.reject(asRadarError(e, null)));
}

/** The session's address and steps, for the target file. */
export function recordedSteps(ctx: ServiceContext, who: Principal | null, id: string): { url: string; steps: StepInput[] } {
  const s = session(ctx, who, id);
  return { url: s.url, steps: s.steps.map((x) => ({ ...x })) };
}

/** The builder's picture of the live page after the steps, with the proposal's outlines. */
export async function captureSteps(ctx: ServiceContext, who: Principal | null, id: string, highlight: Highlighter): Promise<Capture> {
  session(ctx, who, id);
  return stepRecorder(ctx)
    .capture(id, highlight)
    .catch((e: unknown) => Promise.reject(asRadarError(e, null)));
}

export async function endSteps(ctx: ServiceContext, who: Principal | null, id: string): Promise<void> {
  requireAction(who, 'targets.write');
  if (stepRecorder(ctx).get(id, who.user)) await stepRecorder(ctx).end(id);
}

function session(ctx: ServiceContext, who: Principal | null, id: string) {
  requireAction(who, 'targets.write');
  const s = stepRecorder(ctx).get(id, who.user);
  if (!s) throw new RadarError('not_found', 'this builder session has ended (left alone too long, or another one was opened): open the page again', { field: 'session' });
  return s;
}

/** The step as a person writes it: the verb and what it works on, defaults left out. */
function toStep(a: StepAction): StepInput {
  const sel = 'selector' in a ? a.selector.trim() : '';
  if ('selector' in a && !sel) throw new RadarError('invalid', 'click an element on the picture first (or give its CSS selector)', { field: 'selector' });
  switch (a.do) {
    case 'click':
      return { click: sel };
    case 'fill':
      return { fill: sel, value: a.value, ...(a.submit ? { submit: true } : {}) };
    case 'select':
      return { select: sel, value: a.value };
    case 'wait_for':
      return { wait_for: sel };
    case 'scroll': {
      if (!Number.isInteger(a.times) || a.times < 1 || a.times > 200) throw new RadarError('invalid', 'scroll: expected a number of times from 1 to 200', { field: 'times' });
      return { scroll: a.times };
    }
    case 'wait': {
      if (!Number.isInteger(a.ms) || a.ms < 1 || a.ms > 60_000) throw new RadarError('invalid', 'wait: expected milliseconds from 1 to 60000', { field: 'ms' });
      return { wait_ms: a.ms };
    }
  }
}

function stepYaml(step: StepInput): string {
  return stringify([step], { lineWidth: 0 }).trimEnd();
}

function asRadarError(err: unknown, field: string | null): unknown {
  if (err instanceof RadarError) return err;
  // Robots.txt, an address that does not load, no browser: the person can act on each, so each is said as it is.
  if (err instanceof FetchFailure) return new RadarError('fetch', err.failure.message, field ? { field } : {});
  return err;
}
