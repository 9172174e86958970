/**
 * Mutes: "nothing about this item (or this whole target) for N days", set from the console or the
 * API. Kept in <state>/mutes.json; the outbox reads it when it records alerts, so a mute takes
 * effect in the next run without a reload. A muted alert is still recorded, marked suppressed.
 */
import { join } from 'node:path';
import type { AlertSubject } from '../alerts/subject.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

export interface Mute {
  id: string;
  targetId: string;
  /** null: the whole target. */
  key: string | null;
  until: string;
  by: string;
  at: string;
  note?: string;
}

interface MutesFile {
  version: number;
  mutes: Mute[];
}

export function mutesFile(stateDir: string): string {
  return join(stateDir, 'mutes.json');
}

export function readMutes(stateDir: string): { version: number; mutes: Mute[] } {
  return readJsonFile<MutesFile>(mutesFile(stateDir)) ?? { version: 0, mutes: [] };
}

/** Writes the list, dropping mutes that ended more than a week ago. */
export function writeMutes(stateDir: string, mutes: readonly Mute[], now: Date, version: number): void {
  const keep = mutes.filter((m) => Date.parse(m.until) > now.getTime() - 7 * 86_400_000);
  writeFileAtomic(mutesFile(stateDir), JSON.stringify({ version: version + 1, mutes: keep }, null, 2) + '\n');
}

export function activeMute(mutes: readonly Mute[], s: AlertSubject, now: Date): Mute | null {
  if (!s.targetId) return null;
  const t = now.getTime();
  return mutes.find((m) => m.targetId === s.targetId && (m.key === null || m.key === s.key) && Date.parse(m.until) > t) ?? null;
}
