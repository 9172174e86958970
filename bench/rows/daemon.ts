// placeholder, replaced below
// @ts-expect-error plain JS helper shared with the other rows
import { args, report } from '../lib/child.js';
const a = args() as Record<string, string>;
report(a.out, { notBuilt: 'radar daemon not found' });
