import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes temp files an atomic write left behind when the process was killed between writing
 * and renaming (`.<name>.<pid>.<n>.tmp`). Call only while holding the state lock: then no other
 * radar process can be in the middle of writing one.
 */
export function removeStaleTempFiles(stateDir: string, depth = 2): number {
  if (!existsSync(stateDir)) return 0;
  let removed = 0;
  for (const name of readdirSync(stateDir)) {
    const path = join(stateDir, name);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      continue;
    }
    if (isDir && depth > 0) removed += removeStaleTempFiles(path, depth - 1);
    else if (!isDir && /^\..+\.\d+\.\d+\.tmp$/.test(name)) {
      try {
        unlinkSync(path);
        removed++;
      } catch {
        /* gone */
      }
    }
  }
  return removed;
}
