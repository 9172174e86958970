import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { RadarError } from '../core/errors.js';
import { crashPoint, fileRole } from '../core/crashpoint.js';

let counter = 0;

const WRITE_BATCH = 1 << 16;

/**
 * Write to a temp file in the same folder, fsync it, rename over the target, fsync the folder.
 * A crash at any point leaves either the old file or the new one, never half of either.
 * `data` may be a series of string pieces (see jsonPieces), written in 64 KB batches so a large
 * file never exists as one string in memory.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string>, opts: { mode?: number } = {}): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, 'w', opts.mode);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    else {
      let batch = '';
      for (const piece of data) {
        batch += piece;
        if (batch.length >= WRITE_BATCH) {
          writeSync(fd, batch);
          batch = '';
        }
      }
      if (batch) writeSync(fd, batch);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  crashPoint(`before-rename:${fileRole(file)}`);
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  crashPoint(`after-rename:${fileRole(file)}`);
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  }
}

export function readJsonFile<T>(file: string): T | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new RadarError('store', 'state file is not valid JSON (restore it from a backup or delete it to start over)', { where: file, cause });
  }
}
