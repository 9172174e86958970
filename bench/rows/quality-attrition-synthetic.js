// Quality: the trained attrition model on the synthetic IBM-shaped table that CI uses
// (data/samples/hr-attrition-labelled.csv from scripts/gen-samples.ts: 400 people, planted effects).
import { join } from 'node:path';
import { args } from '../lib/child.js';
import { attritionLines, measureAttrition } from '../lib/attrition.js';
import { reportQuality } from '../lib/quality.js';

const a = args();
const m = await measureAttrition(a.dist, join(a.src, 'data', 'samples', 'hr-attrition-labelled.csv'));
reportQuality(a.out, { lines: attritionLines('attrition: synthetic table', m) });
