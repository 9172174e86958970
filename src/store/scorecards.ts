/**
 * The monthly scorecards the console shows, kept apart from the outbox: the outbox is for
 * delivery and forgets sent alerts after delivery.retention_days, but a person's card (and their
 * manager's view of it) must stay readable long after its email went out. One card per person and
 * month (the alert id `scorecard:<person>:<month>`), the latest run's replacing an earlier one.
 * Only person cards are kept here: nothing addressed to HR ever is.
 */
import { join } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

interface ScorecardsFile {
  version: 1;
  /** alert id → the card as its person was sent it. */
  cards: Record<string, Alert>;
}

export function scorecardsFile(stateDir: string): string {
  return join(stateDir, 'scorecards.json');
}

const isCard = (a: Alert): boolean => a.topic === 'scorecard' && a.audience.kind === 'person';

export function readScorecards(stateDir: string): Alert[] {
  return Object.values(readJsonFile<ScorecardsFile>(scorecardsFile(stateDir))?.cards ?? {});
}

/**
 * Keeps the person cards among `alerts` (others are ignored) in one atomic write; returns how many
 * were written. `onlyNew`: a card already kept stays as it is (importing what an older outbox
 * holds must never replace a later run's card).
 */
export function keepScorecards(stateDir: string, alerts: Iterable<Alert>, opts: { onlyNew?: boolean } = {}): number {
  let file: ScorecardsFile | null = null;
  let n = 0;
  for (const a of alerts) {
    if (!isCard(a)) continue;
    file ??= readJsonFile<ScorecardsFile>(scorecardsFile(stateDir)) ?? { version: 1, cards: {} };
    if (opts.onlyNew && file.cards[a.id]) continue;
    file.cards[a.id] = a;
    n++;
  }
  if (file && n) writeFileAtomic(scorecardsFile(stateDir), JSON.stringify(file) + '\n');
  return n;
}
