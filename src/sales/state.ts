/**
 * What the sales analysers remember between runs, under <state>/sales/: the colour each unit's
 * heads were last told (so "turned red" alerts once per episode). Everything else is recomputed
 * from the exports on every run.
 */
import { join } from 'node:path';
import { loadKey, readJson, writeJsonAtomic } from '../signals/store.js';
import { Pseudonymizer } from '../signals/weekly.js';

export const salesDir = (stateDir: string): string => join(stateDir, 'sales');

export async function readState<T>(stateDir: string, name: string, fallback: T): Promise<T> {
  return readJson<T>(join(salesDir(stateDir), name), fallback);
}

export async function writeState(stateDir: string, name: string, data: unknown): Promise<void> {
  await writeJsonAtomic(join(salesDir(stateDir), name), data);
}

/** The same pseudonymous ids as the attrition and health signals: one person is one id in the state folder. */
export async function pseudonymizer(stateDir: string): Promise<Pseudonymizer> {
  return new Pseudonymizer(await loadKey(stateDir));
}
