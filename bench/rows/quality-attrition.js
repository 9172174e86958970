// Quality: the trained attrition model on the public IBM HR Analytics attrition table (1,470
// people). The table is not in the repository (its licence is unclear) and the bench fetches
// nothing: put it at bench/data/ibm-hr-attrition.csv (see bench/data/README.md) or name it in
// RADAR_BENCH_HR_TABLE. Without it this row says so and the synthetic row still runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { args } from '../lib/child.js';
import { attritionLines, measureAttrition, SPLITS } from '../lib/attrition.js';
import { dec, reportQuality } from '../lib/quality.js';

const a = args();
const here = join(import.meta.dirname, '..', 'data');
const file = [process.env.RADAR_BENCH_HR_TABLE, join(here, 'ibm-hr-attrition.csv'), join(here, 'WA_Fn-UseC_-HR-Employee-Attrition.csv')].find((f) => f && existsSync(f));
const goal = `attrition model ROC-AUC ≥ 0.86 held out 70/30 on the IBM HR table (mean of ${SPLITS} splits)`;
if (!file) {
  reportQuality(a.out, {
    lines: [{ row: 'attrition: IBM HR table', measure: 'not measured', note: 'table absent: put it at bench/data/ibm-hr-attrition.csv (bench/data/README.md)' }],
    goals: [{ goal, measured: 'table absent', met: null }],
  });
} else {
  const m = await measureAttrition(a.dist, file);
  reportQuality(a.out, {
    lines: attritionLines('attrition: IBM HR table', m),
    goals: [{ goal, measured: `${dec(m.heldOut.roc.mean)} ± ${dec(m.heldOut.roc.sd)}`, met: m.heldOut.roc.mean >= 0.86 }],
  });
}
