/**
 * Alerts kept beyond the outbox: the outbox is for delivery and forgets sent alerts after
 * delivery.retention_days, but what a job sent people (a salesperson's scorecard, a manager's
 * team heat map and coaching prompts) must stay readable in the console long after the email
 * went out. Each kind is one JSON file in the state folder, written atomically, holding only the
 * alerts its `keeps` accepts (by topic and audience: nothing addressed to HR ever is), one per
 * alert id, a later run's replacing an earlier one.
 */
import { join } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

export interface KeptAlertsSpec {
  /** File name in the state folder. */
  file: string;
  /** The field holding the alerts by id (scorecards.json says `cards`, as it always did). */
  field: string;
  keeps(a: Alert): boolean;
}

export interface KeptAlerts {
  file(stateDir: string): string;
  read(stateDir: string): Alert[];
  /**
   * Keeps the alerts among `alerts` this kind accepts (others are ignored) in one atomic write;
   * returns how many were written. `onlyNew`: an alert already kept stays as it is (copying what
   * the outbox holds before its prune must never replace a later run's alert).
   */
  keep(stateDir: string, alerts: Iterable<Alert>, opts?: { onlyNew?: boolean }): number;
  /**
   * The kept alerts, and those of this kind still only in `outbox` (recorded before the kind had
   * a store, not yet copied by a prune); a kept alert wins over the outbox's copy of the same id.
   */
  readWith(stateDir: string, outbox: Iterable<Alert>): Alert[];
}

type KeptFile = { version: 1 } & Record<string, Record<string, Alert>>;

export function keptAlerts(spec: KeptAlertsSpec): KeptAlerts {
  const file = (stateDir: string) => join(stateDir, spec.file);
  const load = (stateDir: string): Record<string, Alert> => readJsonFile<KeptFile>(file(stateDir))?.[spec.field] ?? {};
  return {
    file,
    read: (stateDir) => Object.values(load(stateDir)),
    readWith(stateDir, outbox) {
      const byId = new Map<string, Alert>();
      for (const a of outbox) if (spec.keeps(a)) byId.set(a.id, a);
      for (const a of Object.values(load(stateDir))) byId.set(a.id, a);
      return [...byId.values()];
    },
    keep(stateDir, alerts, opts = {}) {
      let kept: Record<string, Alert> | null = null;
      let n = 0;
      for (const a of alerts) {
        if (!spec.keeps(a)) continue;
        kept ??= load(stateDir);
        if (opts.onlyNew && kept[a.id]) continue;
        kept[a.id] = a;
        n++;
      }
      if (kept && n) writeFileAtomic(file(stateDir), JSON.stringify({ version: 1, [spec.field]: kept }) + '\n');
      return n;
    },
  };
}
