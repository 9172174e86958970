import { loadTargets } from '../config/load.js';
import { mentionReader, mentionRules } from '../kinds/mention.js';
import type { Analyser } from '../contracts/analyser.js';
import { readSnapshot } from '../store/snapshot.js';
import { decideMentions, type MentionInput } from './decide.js';
import { readMentionStore, writeMentionStore } from './store.js';

/**
 * Runs after all targets: judges every mention target's new items together, so one story on
 * three sites is one story, and a name's mentions are counted across all sources. Reads the
 * snapshots from disk (a target not in this run still counts with what it last found), and moves
 * its own store (data/state/mentions.json) on only after its alerts are recorded: a crash in
 * between judges the same mentions again, into alerts with the same ids.
 */
export const mentionsAnalyser: Analyser = {
  name: 'mentions',
  analyse({ paths, rules, now, record }) {
    const r = mentionRules(rules);
    if (!r.watch.length) return [];
    const targets = loadTargets(paths.scrapersDir).targets.filter((t) => t.kind === 'mention');
    if (!targets.length) return [];
    const items: MentionInput[] = [];
    for (const t of targets) {
      const snap = readSnapshot(paths.stateDir, t.id);
      if (!snap) continue;
      for (const it of snap.items.values()) {
        if (it.missingRuns > 0) continue;
        items.push({ targetId: t.id, region: t.region, key: it.key, data: it.data, firstSeen: it.firstSeen });
      }
    }
    const decided = decideMentions({ store: readMentionStore(paths.stateDir), items, rules: r, owners: rules.owners, reader: mentionReader(r), now });
    record?.(decided.alerts);
    writeMentionStore(paths.stateDir, decided.store);
    return decided.alerts;
  },
};
