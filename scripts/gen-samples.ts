/**
 * Writes the sample exports into data/samples/ (see src/signals/samples.ts, src/health/samples.ts and
 * src/sales/samples.ts for what is in them).
 *   npx tsx scripts/gen-samples.ts [--out DIR] [--seed N] [--stable]
 * Deterministic: the same seed writes the same bytes. `--stable` plants no leavers.
 */
import { generateSamples } from '../src/signals/samples.js';
import { generateSalesSamples } from '../src/sales/samples.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outDir = opt('--out') ?? 'data/samples';
const seed = opt('--seed') !== undefined ? Number(opt('--seed')) : undefined;
const stable = args.includes('--stable');

const manifest = await generateSamples({
  outDir,
  ...(seed !== undefined ? { seed } : {}),
  ...(stable ? { leavers: 0, underNotice: 0 } : {}),
});
// The ERP and CRM exports of the sales analysers, for the people of the org.csv just written.
const salesFiles = await generateSalesSamples({ outDir, ...(seed !== undefined ? { seed } : {}) });
const planted = manifest.people.filter((p) => p.kind !== 'stable');
process.stdout.write(
  `wrote ${manifest.files.length + manifest.healthFiles.length + salesFiles.length} files to ${outDir} (now ${manifest.now}, scored week ${manifest.scoredWeek})\n` +
    planted.map((p) => `  ${p.employeeId} ${p.kind}${p.pattern ? ` (${p.pattern})` : ''}\n`).join('') +
    manifest.healthSlips.map((s) => `  ${s.employeeId} health slip from ${s.from}: ${Object.entries(s.habits).map(([k, v]) => `${k} ${v > 0 ? '+' : ''}${v}`).join(', ')}\n`).join(''),
);
