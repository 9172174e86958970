// Diff and snapshot at scale: one target with N stored items, a run where 5 % of them changed
// price. Times what a good run does after the verdict: keyed diff, the kind's alert decisions,
// the price history update and the durable snapshot write, using the product's own functions.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { args, report } from '../lib/child.js';

const a = args();
const { diffItems } = await import(join(a.dist, 'diff', 'diff.js'));
const { getKind } = await import(join(a.dist, 'kinds', 'registry.js'));
const { openSnapshot, recordHistory, snapshotFile } = await import(join(a.dist, 'store', 'snapshot.js'));
const { targetSchema } = await import(join(a.dist, 'config', 'target-schema.js'));
const { priceRulesSchema, ownersSchema } = await import(join(a.dist, 'config', 'rules-schema.js'));

const n = Number(a.items);
const share = Number(a.changed);
const stateDir = mkdtempSync(join(a.dir, 'diff-'));
const kind = getKind('price');
const target = {
  ...targetSchema.parse({ id: 'bench-diff', competitor: 'Bench', region: 'east', fetch: { url: 'http://127.0.0.1/list?page={page}', pages: '1..1' }, items: { each: '.p', fields: { name: '.t', price: '.p' } } }),
  file: 'bench-diff.yaml',
};
const rules = { owners: ownersSchema.parse({ regions: { east: { owners: ['east@example.com'] } }, ops: ['ops@example.com'], hr: ['hr@example.com'] }), price: priceRulesSchema.parse({}) };

/** Items as the price kind normalises them from a listing, so the stored shape is the real one. */
function items(round) {
  const out = [];
  const every = Math.round(1 / share);
  for (let i = 0; i < n; i++) {
    const base = 100 + (i % 9000);
    const price = round > 0 && i % every === 0 ? Math.round(base * 1.2) : base;
    const r = kind.normalise({ key: `SKU-${i}`, fields: { name: `示例商品 ${i} 高性能版`, price: `¥${price.toLocaleString('en-US')}`, url: `https://shop.example/item/SKU-${i}` } }, target);
    if (r.ok) out.push(r.item);
  }
  return out;
}

/** The steps of a good run after its verdict, as src/pipeline/run-target.ts takes them. */
async function goodRun(db, current, now) {
  const t = {};
  const c0 = process.cpuUsage();
  let t0 = performance.now();
  const diff = diffItems(db.data.items, current, { now, removedAfterRuns: rules.price.removed_after_runs, changedFields: kind.changedFields, changeFields: kind.changeFields });
  t.diffMs = performance.now() - t0;
  t0 = performance.now();
  const decision = kind.decide(diff, { target, rules, now, hasBaseline: db.data.lastGoodAt !== null, epoch: db.data.lastGoodAt ?? 'first', state: db.data.kindState });
  t.decideMs = performance.now() - t0;
  t0 = performance.now();
  const at = now.toISOString();
  const moved = new Set([...diff.added, ...diff.changed].map((i) => i.key));
  recordHistory(db.data.history, current, kind.historyPoint, { at, limit: target.history_limit, removed: diff.removed, moved });
  t.historyMs = performance.now() - t0;
  db.data.items = diff.next;
  db.data.kindState = decision.state;
  db.data.lastGoodAt = at;
  db.data.lastGoodCount = current.length;
  db.data.fingerprint = kind.changeFields;
  t0 = performance.now();
  await db.write();
  t.writeMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  t.totalCpuMs = (c.user + c.system) / 1000;
  return { t, changed: diff.changed.length, alerts: decision.alerts.length };
}

// The snapshot a daily run finds on disk: one untimed baseline run, made once per size with
// --prepare (the parent keeps the folder) and copied into each measured run's fresh folder.
if (a.prepare) {
  const first = await openSnapshot(stateDir, target.id, 'price');
  await goodRun(first, items(0), new Date('2026-01-01T00:00:00Z'));
  report(a.out, { baseline: snapshotFile(stateDir, target.id) });
  process.exit(0);
}
mkdirSync(join(stateDir, 'targets'));
copyFileSync(a.baseline, snapshotFile(stateDir, target.id));

const current = items(1);
let t0 = performance.now();
const db = await openSnapshot(stateDir, target.id, 'price');
const readMs = performance.now() - t0;
const run = await goodRun(db, current, new Date('2026-01-02T00:00:00Z'));
const totalMs = run.t.diffMs + run.t.decideMs + run.t.historyMs + run.t.writeMs;
const fileBytes = statSync(snapshotFile(stateDir, target.id)).size;
rmSync(stateDir, { recursive: true, force: true });
if (run.changed !== Math.ceil(n * share) && run.changed !== Math.floor(n * share)) {
  console.error(`expected ${n * share} changed items, diff found ${run.changed}`);
  process.exit(1);
}
report(a.out, { items: n, changed: run.changed, alerts: run.alerts, readMs, ...run.t, totalMs, fileBytes });
