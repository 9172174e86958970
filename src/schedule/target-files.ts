/**
 * The daemon's view of scrapers/: every file checked once, then re-read only when it changed
 * (its size, mtime or inode), so reloading 10,000 targets after one edit reads one file. The
 * first load of a large folder happens in a worker thread: YAML parsing of thousands of files
 * leaves tens of MB of garbage and a grown young generation behind, and the daemon at rest
 * should not carry that (bench: 10,000 targets at rest, 156 → 141 MB; the reload after one edit
 * 10 s → under 1 s); the thread's heap goes with it. A same-size rewrite within the same
 * millisecond keeps its stamp: editors and `git checkout` replace files, which changes the inode.
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { assembleTargets, checkTargetFile, type LoadedTargets } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { RadarError, type ErrorCode } from '../core/errors.js';

export interface CheckedFile {
  stamp: string;
  target: Target | null;
  errors: RadarError[];
  idLine: number;
}

/** File path → what checking it gave, with the stamp it had then. */
export type TargetFileCache = Map<string, CheckedFile>;

/** What crosses the thread boundary (RadarError is a class; structured clone keeps only plain data). */
export interface WireFile {
  file: string;
  stamp: string;
  target: Target | null;
  errors: { code: ErrorCode; message: string; where: string | undefined }[];
  idLine: number;
}

/** A folder this large is first read off the main thread. */
const THREAD_FROM = 200;

export function targetFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function stampOf(file: string): string | null {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return null;
  }
}

export function checkFile(file: string, stamp: string): CheckedFile {
  const r = checkTargetFile(file);
  return { stamp, target: r.target, errors: r.errors, idLine: r.idLine };
}

export function toWire(file: string, c: CheckedFile): WireFile {
  return { file, stamp: c.stamp, target: c.target, errors: c.errors.map((e) => ({ code: e.code, message: e.message, where: e.where })), idLine: c.idLine };
}

function fromWire(w: WireFile): CheckedFile {
  return { stamp: w.stamp, target: w.target, errors: w.errors.map((e) => new RadarError(e.code, e.message, e.where === undefined ? {} : { where: e.where })), idLine: w.idLine };
}

/** Like `loadTargets`, reading only files that changed since they were put in `cache`. */
export function loadTargetsCached(dir: string, cache: TargetFileCache): LoadedTargets {
  if (!existsSync(dir)) return { targets: [], errors: [new RadarError('config', 'folder not found', { where: dir })] };
  const files = targetFiles(dir);
  const present = new Set(files);
  for (const f of [...cache.keys()]) if (!present.has(f)) cache.delete(f);
  for (const file of files) {
    const stamp = stampOf(file);
    if (stamp === null) continue;
    if (cache.get(file)?.stamp !== stamp) cache.set(file, checkFile(file, stamp));
  }
  return assemble(files, cache);
}

/** The first load: in a worker thread when the folder is large and the code is compiled (tests run TypeScript in-process). */
export async function loadTargetsFirst(dir: string, cache: TargetFileCache): Promise<LoadedTargets> {
  const thread = new URL('./target-files-thread.js', import.meta.url);
  if (!existsSync(dir) || !import.meta.url.endsWith('.js') || !existsSync(thread) || readdirSync(dir).length < THREAD_FROM) return loadTargetsCached(dir, cache);
  try {
    const wire = await new Promise<WireFile[]>((resolve, reject) => {
      const w = new Worker(thread, { workerData: { dir } });
      w.once('message', (m: WireFile[]) => resolve(m));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the config thread exited with ${code}`)));
    });
    // A file the thread found broken is checked again here, where every kind the entry point registered is known.
    for (const f of wire) if (f.target) cache.set(f.file, fromWire(f));
  } catch {
    // The thread could not run here: read in this thread instead, same result.
  }
  return loadTargetsCached(dir, cache);
}

function assemble(files: string[], cache: TargetFileCache): LoadedTargets {
  return assembleTargets(files.flatMap((file) => {
    const check = cache.get(file);
    return check ? [{ file, check }] : [];
  }));
}
