import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { RadarError } from '../core/errors.js';
import { crashPoint, fileRole } from '../core/crashpoint.js';

let counter = 0;

const WRITE_BATCH = 1 << 16;

/**
 * Write to a temp file in the same folder, fsync it, rename over the target, fsync the folder.
 * A crash at any point leaves either the old file or the new one, never half of either.
 * `data` may be a series of pieces (see jsonPieces), strings written in 64 KB batches, so a large
 * file never exists as one string in memory; byte pieces (a snapshot's binary records) go as they are.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string | Uint8Array>, opts: { mode?: number } = {}): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, 'w', opts.mode);
  let written = false;
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    else {
      let batch = '';
      for (const piece of data) {
        if (typeof piece !== 'string') {
          if (batch) writeSync(fd, batch);
          batch = '';
          writeAll(fd, piece);
          continue;
        }
        batch += piece;
        if (batch.length >= WRITE_BATCH) {
          writeSync(fd, batch);
          batch = '';
        }
      }
      if (batch) writeSync(fd, batch);
    }
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    // A piece that failed to come (an unreadable stored item): the old file stays, and no temp file is left behind.
    if (!written) removeQuietly(tmp);
  }
  crashPoint(`before-rename:${fileRole(file)}`);
  try {
    renameSync(tmp, file);
  } catch (err) {
    removeQuietly(tmp);
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

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** writeSync may write less than asked (a large buffer on some filesystems): write the rest. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
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
