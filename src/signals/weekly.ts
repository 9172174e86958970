/**
 * Per-person weekly accumulators: the only thing an import keeps. Rows are folded into one
 * small Float64Array per person and ISO week (a view into a shared block) as they stream past,
 * so a million rows cost memory in people x weeks, never in rows.
 */
import { createHmac } from 'node:crypto';
import type { SourceKind } from './config.js';

/** Sums per person-week. Means are derived later (e.g. arrival = arr_sum / arr_n). */
export const ACC_FIELDS = [
  'att_days', // attendance rows on scheduled workdays (rest days excluded)
  'present',
  'absent',
  'leave',
  'arr_sum', // minutes after midnight, summed over days with a clock-in
  'arr_n',
  'dep_sum',
  'dep_n',
  'hours_sum',
  'hours_n',
  'calls',
  'call_minutes',
  'messages',
  'emails',
  'logins',
  'visits',
  'new_customers',
  'tasks_done',
  'tasks_overdue',
  'followups',
  'leads',
  'opp_moves',
  'moved_out',
  'moved_in',
  'exported',
] as const;
export type AccField = (typeof ACC_FIELDS)[number];

export const F = Object.fromEntries(ACC_FIELDS.map((f, i) => [f, i])) as Record<AccField, number>;

/**
 * Extra slots after the summed fields. DAYMASK: the weekdays this person has rows for in this week
 * (bit 0 = Monday), for coverage and to catch duplicate attendance rows; stored as `days`.
 * FIELDS: which summed fields the exports cover for this person and week (bit i = ACC_FIELDS[i]),
 * so a person a partial export does not list has no data there, not zeros; derived, never stored.
 */
export const DAYMASK = ACC_FIELDS.length;
export const FIELDS = ACC_FIELDS.length + 1;
const SLOTS = ACC_FIELDS.length + 2;

/** Bitmask of fields, for the FIELDS slot. */
export function fieldMask(fields: Iterable<AccField>): number {
  let m = 0;
  for (const f of fields) m |= 1 << F[f];
  return m;
}

/** Whether a person-week's accumulator is covered for `f` (see FIELDS). */
export function coversField(acc: WeekAcc | undefined, f: AccField): boolean {
  return acc !== undefined && ((acc[FIELDS] ?? 0) & (1 << F[f])) !== 0;
}

export type WeekAcc = Float64Array;

export function newAcc(): WeekAcc {
  return new Float64Array(SLOTS);
}

/**
 * Hands out accumulators as views into shared blocks. A Float64Array of its own costs each
 * person-week a malloc'd backing store plus its bookkeeping (~450 bytes of native heap for 208
 * bytes of sums, in pieces too small for malloc to give back), and a 1 M-row export has 130 k
 * person-weeks. Blocks belong to one aggregate, so they are freed with it.
 */
export class AccBlocks {
  private block = new Float64Array(0);
  private used = 0;
  private nextSize = 16;

  next(): WeekAcc {
    if (this.used + SLOTS > this.block.length) {
      // Small aggregates stay small; large ones get blocks of 1,024 person-weeks.
      this.block = new Float64Array(this.nextSize * SLOTS);
      this.nextSize = Math.min(this.nextSize * 2, 1024);
      this.used = 0;
    }
    const acc = this.block.subarray(this.used, this.used + SLOTS);
    this.used += SLOTS;
    return acc;
  }
}

/** What one imported file contributes: accumulators plus the weeks each column actually covers. */
export interface SourceAggregate {
  kind: SourceKind;
  weeks: Map<string, Map<string, WeekAcc>>;
  /** field -> weeks in which this file had that column and at least one row. */
  coverage: Map<AccField, Set<string>>;
  /** Where this aggregate's accumulators live. */
  blocks: AccBlocks;
}

export function newAggregate(kind: SourceKind): SourceAggregate {
  return { kind, weeks: new Map(), coverage: new Map(), blocks: new AccBlocks() };
}

export function accFor(agg: SourceAggregate, pid: string, week: string): WeekAcc {
  let byWeek = agg.weeks.get(pid);
  if (!byWeek) {
    byWeek = new Map();
    agg.weeks.set(pid, byWeek);
  }
  let acc = byWeek.get(week);
  if (!acc) {
    acc = agg.blocks.next();
    byWeek.set(week, acc);
  }
  return acc;
}

export function cover(agg: SourceAggregate, field: AccField, week: string): void {
  let s = agg.coverage.get(field);
  if (!s) {
    s = new Set();
    agg.coverage.set(field, s);
  }
  s.add(week);
}

/** A person-week as stored: non-zero sums, and `days` (the DAYMASK) when the export is per person and day. */
export type StoredWeek = Partial<Record<AccField | 'days', number>>;

/** JSON form of an aggregate: only non-zero sums, so activity-only files stay small. */
export interface StoredAggregate {
  kind: SourceKind;
  weeks: Record<string, Record<string, StoredWeek>>;
  coverage: Partial<Record<AccField, string[]>>;
}

/** Exports with one row per person and day: a person they do not list is not known, not zero. */
export const PER_PERSON_KINDS: ReadonlySet<SourceKind> = new Set(['attendance', 'activity']);

export function toStored(agg: SourceAggregate): StoredAggregate {
  const weeks: StoredAggregate['weeks'] = {};
  for (const [pid, byWeek] of agg.weeks) {
    const w: Record<string, StoredWeek> = {};
    for (const [week, acc] of byWeek) {
      const o: StoredWeek = {};
      for (let i = 0; i < ACC_FIELDS.length; i++) {
        const v = acc[i] ?? 0;
        if (v !== 0) o[ACC_FIELDS[i] as AccField] = (v | 0) === v ? v | 0 : v;
      }
      if (acc[DAYMASK]) o.days = acc[DAYMASK];
      w[week] = o;
    }
    weeks[pid] = w;
  }
  const coverage: StoredAggregate['coverage'] = {};
  for (const [f, s] of agg.coverage) coverage[f] = [...s].sort();
  return { kind: agg.kind, weeks, coverage };
}

/** Drops from `agg` the person-weeks and coverage that its stored form `s` no longer has (retention purges the stored form). */
export function pruneToStored(agg: SourceAggregate, s: StoredAggregate): void {
  for (const [pid, byWeek] of agg.weeks) {
    const kept = Object.hasOwn(s.weeks, pid) ? s.weeks[pid] : undefined;
    if (kept === undefined) {
      agg.weeks.delete(pid);
      continue;
    }
    for (const week of byWeek.keys()) if (!Object.hasOwn(kept, week)) byWeek.delete(week);
  }
  for (const [f, weeks] of agg.coverage) {
    const kept = new Set(s.coverage[f] ?? []);
    for (const w of weeks) if (!kept.has(w)) weeks.delete(w);
  }
}

/**
 * Adds a stored aggregate into `into` (sums; coverage is a union), straight from its JSON form:
 * building each file's aggregate first and then merging held two copies of every person-week.
 */
export function mergeStored(into: SourceAggregate, s: StoredAggregate): void {
  const masks = weekFieldMasks(s);
  for (const [pid, w] of Object.entries(s.weeks)) {
    for (const [week, o] of Object.entries(w)) {
      const acc = accFor(into, pid, week);
      for (const [f, v] of Object.entries(o)) {
        const i = F[f as AccField];
        if (i !== undefined && typeof v === 'number') acc[i] = (acc[i] ?? 0) + v;
      }
      acc[DAYMASK] = (acc[DAYMASK] ?? 0) | (o.days ?? 0);
      // A person-week exists in a file only where the file has rows for that person.
      acc[FIELDS] = (acc[FIELDS] ?? 0) | (masks.get(week) ?? 0);
    }
  }
  for (const [f, weeks] of Object.entries(s.coverage)) {
    for (const w of weeks ?? []) cover(into, f as AccField, w);
  }
}

/** Fields a stored file covers in each week, as FIELDS masks (per-person exports only: events are no coverage). */
function weekFieldMasks(s: StoredAggregate): Map<string, number> {
  const masks = new Map<string, number>();
  if (!PER_PERSON_KINDS.has(s.kind)) return masks;
  for (const [f, weeks] of Object.entries(s.coverage)) {
    const bit = 1 << F[f as AccField];
    for (const w of weeks ?? []) masks.set(w, (masks.get(w) ?? 0) | bit);
  }
  return masks;
}

/** Adds `src` into `into` (sums; coverage is a union). */
export function mergeInto(into: SourceAggregate, src: SourceAggregate): void {
  for (const [pid, byWeek] of src.weeks) {
    for (const [week, acc] of byWeek) {
      const t = accFor(into, pid, week);
      for (let i = 0; i < ACC_FIELDS.length; i++) t[i] = (t[i] ?? 0) + (acc[i] ?? 0);
      t[DAYMASK] = (t[DAYMASK] ?? 0) | (acc[DAYMASK] ?? 0);
      t[FIELDS] = (t[FIELDS] ?? 0) | (acc[FIELDS] ?? 0);
    }
  }
  for (const [f, weeks] of src.coverage) for (const w of weeks) cover(into, f, w);
}

/** What we know about a person, from the HR roster and the org sheet. Personal data: stays in the state folder. */
export interface PersonInfo {
  /** Listed in the HR roster or the org export: one of the team an export's coverage is measured against. */
  listed?: boolean;
  name?: string;
  department?: string;
  role?: string;
  region?: string;
  team?: string;
  managerEmail?: string;
  status?: 'active' | 'notice' | 'left';
  noticeDate?: string;
  lastDay?: string;
  hired?: string;
}

/** People by pseudonymous id, with a name index for exports that only carry names (the transfer log). */
export class Directory {
  readonly people = new Map<string, PersonInfo>();
  private nameIndex: Map<string, string[]> | null = null;

  upsert(pid: string, info: PersonInfo, overwrite = true): void {
    const cur = this.people.get(pid) ?? {};
    const next: PersonInfo = { ...cur };
    for (const [k, v] of Object.entries(info) as [keyof PersonInfo, string | boolean | undefined][]) {
      if (v === undefined || v === '') continue;
      if (overwrite || next[k] === undefined) (next as Record<string, string | boolean>)[k] = v;
    }
    this.people.set(pid, next);
    if (info.name) this.nameIndex = null;
  }

  /** The one person with this name, 'ambiguous' when several share it, undefined when none. */
  byName(name: string): string | 'ambiguous' | undefined {
    if (!this.nameIndex) {
      this.nameIndex = new Map();
      for (const [pid, p] of this.people) {
        if (!p.name) continue;
        const list = this.nameIndex.get(p.name) ?? [];
        list.push(pid);
        this.nameIndex.set(p.name, list);
      }
    }
    const hit = this.nameIndex.get(name);
    if (!hit) return undefined;
    return hit.length === 1 ? hit[0] : 'ambiguous';
  }

  toJSON(): Record<string, PersonInfo> {
    return Object.fromEntries(this.people);
  }

  static from(o: Record<string, PersonInfo> | undefined): Directory {
    const d = new Directory();
    for (const [pid, p] of Object.entries(o ?? {})) d.people.set(pid, p);
    return d;
  }
}

/**
 * Pseudonymous ids: a keyed hash (HMAC-SHA256) of the employee number. The key lives in the
 * state folder, so ids are stable across runs but cannot be reversed or recomputed elsewhere.
 */
export class Pseudonymizer {
  private readonly cache = new Map<string, string>();
  constructor(private readonly key: string) {}

  id(employeeId: string): string {
    let v = this.cache.get(employeeId);
    if (v === undefined) {
      v = 'p-' + createHmac('sha256', this.key).update(employeeId.normalize('NFKC').trim()).digest('hex').slice(0, 12);
      this.cache.set(employeeId, v);
    }
    return v;
  }
}

/**
 * The team an export is measured against: people the roster or org export lists who worked here
 * during [first, last] (ISO dates; hired by the end, not gone before the start). Null when no
 * roster or org export was imported.
 */
export function teamOf(dir: Directory, span?: { first: string; last: string }): Set<string> | null {
  const team = new Set<string>();
  let listed = false;
  for (const [pid, p] of dir.people) {
    if (!p.listed) continue;
    listed = true;
    if (span ? (p.hired !== undefined && p.hired > span.last) || (p.lastDay !== undefined && p.lastDay < span.first) : p.status === 'left') continue;
    team.add(pid);
  }
  return listed ? team : null;
}

/** (person, week, day mask) of an aggregate, for coverage summaries. */
export function* aggregateDays(agg: SourceAggregate): Iterable<[string, string, number]> {
  for (const [pid, byWeek] of agg.weeks) for (const [week, acc] of byWeek) yield [pid, week, acc[DAYMASK] ?? 0];
}
