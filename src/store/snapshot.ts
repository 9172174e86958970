import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { PriorItem, StoredItem } from '../diff/diff.js';
import { fingerprintOf, sameFields } from '../diff/fingerprint.js';
import type { Item, ItemData, KindState } from '../core/item.js';
import { RadarError } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';

export type HistoryPoint = { at: string } & Record<string, string | number | null>;

/** What the last good run's pages looked like, to tell a cut-off page from a normal one (pipeline/pages.ts). */
export interface PageProfile {
  /** Body size of each page, in page order. */
  bytes: number[];
  /** Every HTML page of that run closed its document (`</html>` or `</body>`). */
  closed: boolean;
}

/** Everything remembered about a target's items, as the pipeline works with it. Only a good run writes it. */
export interface Snapshot {
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  /** Read from a version-3 file, each is a PriorItem: `data` is parsed on first read. */
  items: Map<string, StoredItem>;
  /** Bounded per-item history of the kind's main value (price). Parsed on first read, see decodeV3. */
  history: Map<string, HistoryPoint[]>;
  kindState: KindState;
  /** Null before the first good run, and in snapshots written before it was kept. */
  pages: PageProfile | null;
  /**
   * The fields each item's fingerprint covers (the kind's `changeFields`, set by the run that
   * writes); null = no fingerprints, and the next diff compares every item in full.
   */
  fingerprint: readonly string[] | null;
}

/** What a version-3 file's first line says on its own, without reading its items. */
export type SnapshotHeader = Pick<Snapshot, 'targetId' | 'kind' | 'lastGoodAt' | 'lastGoodCount' | 'pages' | 'fingerprint'> & { items: number };

/**
 * Version 2 stores items and history as arrays, read into Maps: a 100 k-key object (V8
 * dictionary mode) is several times slower to fill, walk and serialise. Version 1 (keyed objects)
 * is still read. Both are rewritten as version 3 by the next good run.
 */
interface SnapshotFileV2 {
  version: 2;
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  items: StoredItem[];
  history: { key: string; points: HistoryPoint[] }[];
  kindState: KindState;
  /** Added later: absent in older files (read as null). */
  pages?: PageProfile;
}
type SnapshotFileV1 = Omit<Snapshot, 'items' | 'history' | 'pages' | 'fingerprint'> & { version: 1; items: Record<string, StoredItem>; history: Record<string, HistoryPoint[]> };

/**
 * Version 3, read lazily: a 100 k-item version-2 file took ~1 s to open (35 MB decoded to a
 * two-byte string once a name is Chinese, then JSON.parse), where a run needs each item's data
 * only for the few that changed.
 *
 *   line 1   header JSON: V3Head (what the coordinator and status read, alone)
 *   line 2   JSON: { kindState, times, history } (times: the distinct firstSeen/lastSeen strings;
 *            history: how many history records follow the items)
 *   items    `items` binary records, little-endian:
 *              u32 key length (top bit: the key is stored as a JSON string) · key UTF-8
 *              u32 firstSeen (index into times) · u32 lastSeen · u32 missingRuns
 *              f64 fingerprint of the header's `fingerprint` fields (-1: none)
 *              u32 data length · data as UTF-8 JSON
 *   history  `history` records: u32 key length (top bit as above) · key · u32 length · points JSON;
 *            a series whose item is in the file has no key: the length's second bit is set and its
 *            low 30 bits are the item's index (its key string is the item's, not decoded again)
 *
 * Every string is length-prefixed, so a key with tabs, newlines or quotes is never ambiguous; a key
 * that is not well-formed UTF-16 (a lone surrogate) is stored as JSON, which keeps it exactly.
 * A record's data stays bytes (a PriorItem) until someone reads it, and so does an item's history
 * (HistoryMap); what a run never read it writes from those bytes again. JSON.stringify never writes
 * a raw newline, so each header line ends at the first "\n".
 */
interface V3Head {
  version: 3;
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  pages: PageProfile | null;
  fingerprint: readonly string[] | null;
  items: number;
}

const RECORD_FIXED = 24;
const JSON_KEY = 0x80000000;
/** In a history record's key length: no key follows, the low 30 bits are the index of the item whose key it is. */
const ITEM_KEY = 0x40000000;
const KEY_LENGTH = 0x3fffffff;
const CHUNK = 1 << 20;

export function emptySnapshot(targetId: string, kind: string): Snapshot {
  return { targetId, kind, lastGoodAt: null, lastGoodCount: 0, items: new Map(), history: new Map(), kindState: {}, pages: null, fingerprint: null };
}

export function snapshotFile(stateDir: string, targetId: string): string {
  return join(stateDir, 'targets', `${targetId}.snapshot.json`);
}

/** The file one lazy item's bytes live in, shared by all its items. */
interface Source {
  buf: Buffer;
  file: string;
  fields: readonly string[] | null;
  /** The last list `fields` was found equal to. */
  matched?: readonly string[];
}

/** A stored item read from a version-3 file: see PriorItem (diff/diff.ts). */
class LazyItem implements PriorItem {
  readonly key: string;
  firstSeen: string;
  lastSeen: string;
  missingRuns: number;
  readonly #src: Source;
  readonly #start: number;
  readonly #end: number;
  readonly #fp: number;
  #data: ItemData | undefined;

  constructor(key: string, firstSeen: string, lastSeen: string, missingRuns: number, src: Source, start: number, end: number, fp: number) {
    this.key = key;
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
    this.missingRuns = missingRuns;
    this.#src = src;
    this.#start = start;
    this.#end = end;
    this.#fp = fp;
  }

  get data(): ItemData {
    if (this.#data === undefined) {
      try {
        this.#data = JSON.parse(this.#src.buf.toString('utf8', this.#start, this.#end)) as ItemData;
      } catch (cause) {
        throw new RadarError('store', `item ${JSON.stringify(this.key)} is not valid JSON in the snapshot (restore it from a backup or delete it to start over)`, { where: this.#src.file, cause });
      }
    }
    return this.#data;
  }

  set data(data: ItemData) {
    this.#data = data;
  }

  fingerprint(fields: readonly string[]): number | null {
    if (this.#fp < 0) return null;
    const src = this.#src;
    if (src.matched !== fields) {
      if (!sameFields(src.fields, fields)) return null;
      src.matched = fields; // the same kind asks for each of 100 k items: compare the lists once
    }
    return this.#fp;
  }

  missing(runs: number): LazyItem {
    const copy = new LazyItem(this.key, this.firstSeen, this.lastSeen, runs, this.#src, this.#start, this.#end, this.#fp);
    copy.#data = this.#data;
    return copy;
  }

  /**
   * The stored bytes and fingerprint, when `data` was never read: what the file said is still
   * what the item holds (a parsed object may have been changed in place since).
   */
  unread(): { buf: Buffer; start: number; end: number; fp: number; fields: readonly string[] | null } | null {
    return this.#data === undefined ? { buf: this.#src.buf, start: this.#start, end: this.#end, fp: this.#fp, fields: this.#src.fields } : null;
  }

  /** JSON.stringify sees own fields only: give it the data too. */
  toJSON(): StoredItem {
    return { key: this.key, data: this.data, firstSeen: this.firstSeen, lastSeen: this.lastSeen, missingRuns: this.missingRuns };
  }
}


/**
 * A version-3 snapshot's history: each item's points are parsed when first asked for (`get`, or
 * walking the map), so a price run that records a few thousand moves reads only those items'
 * points; points never read are written back from their bytes.
 */
export class HistoryMap extends Map<string, HistoryPoint[]> {
  readonly #buf: Buffer;
  readonly #file: string;

  constructor(buf: Buffer, file: string) {
    super();
    this.#buf = buf;
    this.#file = file;
  }

  /**
   * Decoding only: a key whose points are still bytes, kept as the offset of their length prefix
   * (a number, not an object per key: this runs for every item of a 100 k-item history).
   */
  addRaw(key: string, at: number): void {
    super.set(key, at as unknown as HistoryPoint[]);
  }

  #bytes(at: number): Buffer {
    return this.#buf.subarray(at + 4, at + 4 + this.#buf.readUInt32LE(at));
  }

  override get(key: string): HistoryPoint[] | undefined {
    const v = super.get(key) as HistoryPoint[] | number | undefined;
    if (typeof v !== 'number') return v;
    let points: HistoryPoint[];
    try {
      points = JSON.parse(this.#bytes(v).toString('utf8')) as HistoryPoint[];
    } catch (cause) {
      throw new RadarError('store', `the price history of item ${JSON.stringify(key)} is not valid JSON (restore the snapshot from a backup or delete it to start over)`, { where: this.#file, cause });
    }
    super.set(key, points);
    return points;
  }

  override *entries(): MapIterator<[string, HistoryPoint[]]> {
    for (const key of super.keys()) yield [key, this.get(key)!];
  }

  override [Symbol.iterator](): MapIterator<[string, HistoryPoint[]]> {
    return this.entries();
  }

  override *values(): MapIterator<HistoryPoint[]> {
    for (const key of super.keys()) yield this.get(key)!;
  }

  override forEach(fn: (value: HistoryPoint[], key: string, map: Map<string, HistoryPoint[]>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) fn.call(thisArg, value, key, this);
  }

  /** For the writer: a key's points, or the bytes they still are. */
  stored(key: string): HistoryPoint[] | Buffer | undefined {
    const v = super.get(key) as HistoryPoint[] | number | undefined;
    return typeof v === 'number' ? this.#bytes(v) : v;
  }
}

function readHistory(buf: Buffer, start: number, count: number, keys: readonly string[], file: string): HistoryMap {
  const history = new HistoryMap(buf, file);
  let o = start;
  try {
    for (let i = 0; i < count; i++) {
      const kl = buf.readUInt32LE(o);
      const len = kl & ITEM_KEY ? 0 : kl & KEY_LENGTH;
      const key = kl & ITEM_KEY ? keys[kl & KEY_LENGTH] : keyAt(buf, o + 4, o + 4 + len, kl & JSON_KEY);
      if (key === undefined) throw new RangeError(`history record ${i} names item ${kl & KEY_LENGTH} of ${keys.length}`);
      const at = o + 4 + len;
      o = at + 4 + buf.readUInt32LE(at);
      if (o > buf.length) throw new RangeError(`history record ${i} of ${count} runs past the end`);
      history.addRaw(key, at);
    }
  } catch (cause) {
    throw truncated(file, cause);
  }
  return history;
}

/**
 * History is indexed when first read: a run of a kind without history (tenders, jobs, mentions)
 * never reads it, nor do status, the coordinator or most console pages. (Written again, it is
 * indexed: its records name items by their place in this file, which the run changes.)
 */
function lazyHistory(snap: Snapshot, buf: Buffer, start: number, count: number, keys: readonly string[], file: string): void {
  const settle = (value: Snapshot['history']) => {
    Object.defineProperty(snap, 'history', { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(snap, 'history', {
    get: () => settle(readHistory(buf, start, count, keys, file)),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

function keyAt(buf: Buffer, start: number, end: number, json: number): string {
  if (end > buf.length) throw new RangeError('a key runs past the end');
  return json ? (JSON.parse(buf.toString('utf8', start, end)) as string) : buf.toString('utf8', start, end);
}

function lineEnd(buf: Buffer, from: number, file: string): number {
  const nl = buf.indexOf(10, from);
  if (nl < 0) throw truncated(file);
  return nl;
}

function truncated(file: string, cause?: unknown): RadarError {
  return new RadarError('store', 'snapshot file is cut short (restore it from a backup or delete it to start over)', { where: file, ...(cause ? { cause } : {}) });
}

function parseJsonLine<T>(buf: Buffer, start: number, end: number, file: string): T {
  try {
    return JSON.parse(buf.toString('utf8', start, end)) as T;
  } catch (cause) {
    throw new RadarError('store', 'snapshot header is not valid JSON (restore it from a backup or delete it to start over)', { where: file, cause });
  }
}

function decodeV3(buf: Buffer, file: string): Snapshot {
  const nl1 = lineEnd(buf, 0, file);
  const head = parseJsonLine<V3Head>(buf, 0, nl1, file);
  const nl2 = lineEnd(buf, nl1 + 1, file);
  const { kindState, times, history } = parseJsonLine<{ kindState: KindState; times: string[]; history: number }>(buf, nl1 + 1, nl2, file);
  const src: Source = { buf, file, fields: head.fingerprint };
  const items: Snapshot['items'] = new Map();
  const keys: string[] = [];
  let o = nl2 + 1;
  try {
    for (let i = 0; i < head.items; i++) {
      const kl = buf.readUInt32LE(o);
      const len = kl & KEY_LENGTH;
      const key = keyAt(buf, o + 4, o + 4 + len, kl & JSON_KEY);
      keys.push(key);
      o += 4 + len;
      const firstSeen = times[buf.readUInt32LE(o)]!;
      const lastSeen = times[buf.readUInt32LE(o + 4)]!;
      const missingRuns = buf.readUInt32LE(o + 8);
      const fp = buf.readDoubleLE(o + 12);
      const start = o + RECORD_FIXED;
      o = start + buf.readUInt32LE(o + 20);
      if (o > buf.length || firstSeen === undefined || lastSeen === undefined) throw new RangeError(`record ${i} of ${head.items} runs past the end`);
      items.set(key, new LazyItem(key, firstSeen, lastSeen, missingRuns, src, start, o, fp));
    }
  } catch (cause) {
    throw truncated(file, cause);
  }
  const snap: Omit<Snapshot, 'history'> = { targetId: head.targetId, kind: head.kind, lastGoodAt: head.lastGoodAt, lastGoodCount: head.lastGoodCount, items, kindState, pages: head.pages, fingerprint: head.fingerprint };
  lazyHistory(snap as Snapshot, buf, o, history, keys, file);
  return snap as Snapshot;
}

function decodeJson(buf: Buffer, file: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8'));
  } catch (cause) {
    throw new RadarError('store', 'state file is not valid JSON (restore it from a backup or delete it to start over)', { where: file, cause });
  }
  const f = raw as Partial<SnapshotFileV1> | Partial<SnapshotFileV2> | null;
  if (f?.version === 1) {
    const items = new Map(Object.entries(f.items ?? {}));
    const history = new Map(Object.entries(f.history ?? {}));
    return { targetId: f.targetId!, kind: f.kind!, lastGoodAt: f.lastGoodAt ?? null, lastGoodCount: f.lastGoodCount ?? 0, items, history, kindState: f.kindState ?? {}, pages: null, fingerprint: null };
  }
  if (f?.version === 2 && Array.isArray(f.items) && Array.isArray(f.history)) {
    const items: Snapshot['items'] = new Map();
    for (const item of f.items) items.set(item.key, item);
    const history: Snapshot['history'] = new Map();
    for (const h of f.history) history.set(h.key, h.points);
    return { targetId: f.targetId!, kind: f.kind!, lastGoodAt: f.lastGoodAt ?? null, lastGoodCount: f.lastGoodCount ?? 0, items, history, kindState: f.kindState ?? {}, pages: f.pages ?? null, fingerprint: null };
  }
  throw unknownVersion(f?.version, file);
}

function unknownVersion(version: unknown, file: string): RadarError {
  return new RadarError('store', `not a snapshot this version can read (version ${JSON.stringify(version ?? null)}); was it written by a newer sales-radar?`, { where: file });
}

/** Version 1 and 2 files are one JSON object; version 3 starts with its header line. */
const V3_PREFIX = Buffer.from('{"version":3,');

function decode(buf: Buffer, file: string): Snapshot {
  if (buf.subarray(0, V3_PREFIX.length).equals(V3_PREFIX)) return decodeV3(buf, file);
  // A later version need not be one JSON object: say which version it is rather than "not JSON".
  const later = /^\{"version":(\d+),/.exec(buf.toString('latin1', 0, 32));
  if (later && Number(later[1]) > 3) throw unknownVersion(Number(later[1]), file);
  return decodeJson(buf, file);
}

/**
 * A target's last good snapshot, or null before its first good run. Items read from a version-3
 * file parse their data when it is first read, and the history when it is first read.
 */
export function readSnapshot(stateDir: string, targetId: string): Snapshot | null {
  const file = snapshotFile(stateDir, targetId);
  if (!existsSync(file)) return null;
  return decode(readFileSync(file), file);
}

/**
 * What a snapshot says about the target as a whole (counts, time, page profile), reading only the
 * first line of a version-3 file: for every caller that needs no item (the coordinator per job,
 * status and the console's target list per target). Older files are read in full.
 */
export function readSnapshotHeader(stateDir: string, targetId: string): SnapshotHeader | null {
  const file = snapshotFile(stateDir, targetId);
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  let head: Buffer = Buffer.alloc(0);
  try {
    const piece = Buffer.allocUnsafe(1 << 14);
    for (;;) {
      const n = readSync(fd, piece, 0, piece.length, head.length);
      const nl = piece.subarray(0, n).indexOf(10);
      head = Buffer.concat([head, piece.subarray(0, nl >= 0 ? nl : n)]);
      if (nl >= 0 || n === 0) break;
      if (head.length > V3_PREFIX.length && !head.subarray(0, V3_PREFIX.length).equals(V3_PREFIX)) break;
    }
  } finally {
    closeSync(fd);
  }
  if (!head.subarray(0, V3_PREFIX.length).equals(V3_PREFIX)) {
    const s = decode(readFileSync(file), file);
    return { targetId: s.targetId, kind: s.kind, lastGoodAt: s.lastGoodAt, lastGoodCount: s.lastGoodCount, pages: s.pages, fingerprint: s.fingerprint, items: s.items.size };
  }
  const h = parseJsonLine<V3Head>(head, 0, head.length, file);
  return { targetId: h.targetId, kind: h.kind, lastGoodAt: h.lastGoodAt, lastGoodCount: h.lastGoodCount, pages: h.pages, fingerprint: h.fingerprint, items: h.items };
}

/**
 * The version-3 file, in ~1 MB pieces written straight from the Maps: items never read this run
 * are copied from the bytes they were read from (no parse, no stringify), the others are
 * stringified once. A 100 k-item snapshot is never one string or one buffer in memory.
 */
function* encode(s: Snapshot): Generator<string | Uint8Array> {
  const fields = s.fingerprint;
  const times = new Map<string, number>();
  for (const it of s.items.values()) {
    if (!times.has(it.firstSeen)) times.set(it.firstSeen, times.size);
    if (!times.has(it.lastSeen)) times.set(it.lastSeen, times.size);
  }
  const head: V3Head = { version: 3, targetId: s.targetId, kind: s.kind, lastGoodAt: s.lastGoodAt, lastGoodCount: s.lastGoodCount, pages: s.pages, fingerprint: fields, items: s.items.size };
  yield `${JSON.stringify(head)}\n${JSON.stringify({ kindState: s.kindState, times: [...times.keys()], history: s.history.size })}\n`;

  let chunk = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (const it of s.items.values()) {
    const kept = it instanceof LazyItem ? it.unread() : null;
    const json = kept ? null : JSON.stringify(it.data);
    const name = keyForm(it.key);
    // Room for the worst case (3 UTF-8 bytes a UTF-16 unit) before writing, so nothing is cut.
    const need = RECORD_FIXED + 4 + 3 * name.text.length + (kept ? kept.end - kept.start : 3 * json!.length);
    if (pos + need > chunk.length) {
      if (pos) yield chunk.subarray(0, pos);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK, need));
      pos = 0;
    }
    pos = writeKey(chunk, pos, name);
    let fp: number | null;
    let dl: number;
    if (kept) {
      dl = kept.buf.copy(chunk, pos + RECORD_FIXED, kept.start, kept.end);
      fp = !fields ? null : kept.fp >= 0 && sameFields(kept.fields, fields) ? kept.fp : fingerprintOf(it.data, fields);
    } else {
      dl = chunk.write(json!, pos + RECORD_FIXED, 'utf8');
      fp = fields ? fingerprintOf(it.data, fields) : null;
    }
    chunk.writeUInt32LE(times.get(it.firstSeen)!, pos);
    chunk.writeUInt32LE(times.get(it.lastSeen)!, pos + 4);
    chunk.writeUInt32LE(it.missingRuns, pos + 8);
    chunk.writeDoubleLE(fp ?? -1, pos + 12);
    chunk.writeUInt32LE(dl, pos + 20);
    pos += RECORD_FIXED + dl;
  }
  if (pos) yield chunk.subarray(0, pos);

  // Series in item order, each naming its item by index; then those of keys no item has (older files).
  const history = s.history;
  const storedOf = history instanceof HistoryMap ? (key: string) => history.stored(key) : (key: string) => history.get(key);
  chunk = Buffer.allocUnsafe(CHUNK);
  pos = 0;
  const series = function* (): Generator<[string | number, HistoryPoint[] | Buffer]> {
    let i = 0;
    for (const key of s.items.keys()) {
      const points = storedOf(key);
      if (points !== undefined) yield [i, points];
      i++;
    }
    for (const key of history.keys()) if (!s.items.has(key)) yield [key, storedOf(key)!];
  };
  for (const [key, points] of series()) {
    const json = Buffer.isBuffer(points) ? null : JSON.stringify(points);
    const name = typeof key === 'number' ? null : keyForm(key);
    const need = 8 + (name ? 3 * name.text.length : 0) + (json === null ? (points as Buffer).length : 3 * json.length);
    if (pos + need > chunk.length) {
      if (pos) yield chunk.subarray(0, pos);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK, need));
      pos = 0;
    }
    if (name) pos = writeKey(chunk, pos, name);
    else {
      chunk.writeUInt32LE(ITEM_KEY + (key as number), pos);
      pos += 4;
    }
    const len = json === null ? (points as Buffer).copy(chunk, pos + 4) : chunk.write(json, pos + 4, 'utf8');
    chunk.writeUInt32LE(len, pos);
    pos += 4 + len;
  }
  if (pos) yield chunk.subarray(0, pos);
}

/** A key as written: as it is, or as JSON when it is not well-formed UTF-16 (UTF-8 would replace a lone surrogate). */
function keyForm(key: string): { text: string; json: boolean } {
  return (key as unknown as { isWellFormed(): boolean }).isWellFormed() ? { text: key, json: false } : { text: JSON.stringify(key), json: true };
}

/** Writes a key's length and bytes at `pos` (room for 4 + 3 bytes a unit checked by the caller); returns where the record goes on. */
function writeKey(chunk: Buffer, pos: number, name: { text: string; json: boolean }): number {
  const kl = chunk.write(name.text, pos + 4, 'utf8');
  chunk.writeUInt32LE(name.json ? kl + JSON_KEY : kl, pos);
  return pos + 4 + kl;
}

/**
 * A target's snapshot opened for a run: `data` in memory, `write()` puts it on disk durably (only
 * a good run calls it). This used to be a lowdb Low around an adapter doing exactly these two
 * things; lowdb added nothing the atomic writer does not, so the store has one way to write.
 */
export class OpenSnapshot {
  constructor(
    private readonly stateDir: string,
    private readonly targetId: string,
    public data: Snapshot,
  ) {}

  async write(): Promise<void> {
    writeFileAtomic(snapshotFile(this.stateDir, this.targetId), encode(this.data));
  }
}

export async function openSnapshot(stateDir: string, targetId: string, kind: string): Promise<OpenSnapshot> {
  return new OpenSnapshot(stateDir, targetId, readSnapshot(stateDir, targetId) ?? emptySnapshot(targetId, kind));
}

/**
 * Appends each item's value (a kind's `historyPoint`) when it moved since its last point, keeps
 * the last `limit` points, and forgets removed items. History records moves, not every sighting.
 *
 * `moved`: the keys the diff found added or changed. An item outside it that has a series is not
 * looked at: its value is its stored one (historyPoint reads only the kind's changeFields), and a
 * series ends with its item's stored value (every change of it was recorded, a held-back one
 * changed neither), so reading its points (a 100 k-item price history) would find nothing to add.
 */
export function recordHistory(
  history: Snapshot['history'],
  items: readonly Item[],
  pointOf: (item: Item) => Record<string, string | number | null> | null,
  opts: { at: string; limit: number; removed: readonly { key: string }[]; moved?: ReadonlySet<string> },
): void {
  const changed = opts.moved;
  for (const item of items) {
    if (changed && !changed.has(item.key) && history.has(item.key)) continue;
    const point = pointOf(item);
    if (!point) continue;
    const series = history.get(item.key);
    const last = series?.[series.length - 1];
    if (!series) history.set(item.key, [{ at: opts.at, ...point } as HistoryPoint]);
    else if (!last || moved(last, point)) {
      series.push({ at: opts.at, ...point } as HistoryPoint);
      if (series.length > opts.limit) history.set(item.key, series.slice(-opts.limit));
    }
  }
  for (const gone of opts.removed) history.delete(gone.key);
}

function moved(last: HistoryPoint, point: Record<string, string | number | null>): boolean {
  // A for-in, not Object.entries: this runs once per item per run.
  for (const k in point) if (last[k] !== point[k]) return true;
  return false;
}
