/**
 * The import graph of src/ has no circle and no import from a lower layer to a higher one. The
 * layers and their order are in .dependency-cruiser.cjs (and README "Layout"); a failure names the
 * import and the rule it breaks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type IModule, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = resolve(import.meta.dirname, '..');
const configFile = join(root, '.dependency-cruiser.cjs');
const { LAYERS } = createRequire(import.meta.url)(configFile) as { LAYERS: { name: string; path: string }[] };

interface Graph {
  violations: IViolation[];
  modules: IModule[];
}

async function cruiseSrc(baseDir: string): Promise<Graph> {
  const options: ICruiseOptions = { ...(await extractDepcruiseOptions(configFile)), baseDir, validate: true };
  const out = await cruise(['src'], options, undefined, { tsConfig: extractTSConfig(join(root, 'tsconfig.json')) });
  const result = out.output as unknown as { modules: IModule[]; summary: { violations: IViolation[] } };
  return { violations: result.summary.violations, modules: result.modules };
}

const layerOf = (file: string): number[] => LAYERS.flatMap((l, i) => (new RegExp(l.path).test(file) ? [i] : []));

/** One line per broken rule, saying which import breaks what. */
function explain(v: IViolation): string {
  if (v.cycle?.length) return `circle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}`;
  const [from] = layerOf(v.from);
  const [to] = layerOf(v.to);
  const name = (i: number | undefined) => (i === undefined ? '?' : `'${LAYERS[i]!.name}' (layer ${i})`);
  return `${v.from} → ${v.to}: ${name(from)} may not import from ${name(to)}; move the shared part down, or register from above (.dependency-cruiser.cjs)`;
}

/** Upward imports first: fixing one also opens every circle it closes, so circles are capped. */
function report(g: Graph): string[] {
  const upward = g.violations.filter((v) => !v.cycle?.length).map(explain);
  const circles = g.violations.filter((v) => v.cycle?.length).map(explain);
  const shown = circles.slice(0, 5);
  if (circles.length > shown.length) shown.push(`... and ${circles.length - shown.length} more circles`);
  return [...upward, ...shown, ...unplaced(g.modules)];
}

/** Modules in no layer, or in two (a new folder under src/ must be given its place). */
function unplaced(modules: IModule[]): string[] {
  return modules
    .map((m) => m.source)
    .filter((s) => s.startsWith('src/') && layerOf(s).length !== 1)
    .map((s) => `${s} is in ${layerOf(s).length === 0 ? 'no layer' : 'several layers'}: give its folder one place in LAYERS (.dependency-cruiser.cjs)`);
}

describe('import layers of src/', () => {
  it('has no circle, no import from a lower layer to a higher one, and every module in one layer', async () => {
    const g = await cruiseSrc(root);
    expect(g.modules.filter((m) => m.source.startsWith('src/')).length).toBeGreaterThan(100);
    expect(report(g)).toEqual([]);
  });

  describe('catches what it is there to catch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-layers-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };

    it('names the upward import, the circle and the module with no place', async () => {
      write('src/config/target-schema.ts', "import { send } from '../deliver/mail.js';\nexport const t = send;\n");
      write('src/deliver/mail.ts', 'export const send = 1;\n');
      write('src/fetch/a.ts', "import { b } from './b.js';\nexport const a = b;\n");
      write('src/fetch/b.ts', "import type { a } from './a.js';\nexport const b = 2 as unknown as typeof a;\n");
      write('src/web/server.ts', 'export const s = 3;\n');
      const g = await cruiseSrc(dir);
      const lines = report(g);
      expect(lines).toContain(
        `src/config/target-schema.ts → src/deliver/mail.ts: 'config schemas' (layer 2) may not import from 'deliver' (layer ${LAYERS.findIndex((l) => l.name === 'deliver')}); move the shared part down, or register from above (.dependency-cruiser.cjs)`,
      );
      expect(lines.some((l) => /^circle: src\/fetch\/(a|b)\.ts → src\/fetch\/(a|b)\.ts → src\/fetch\/(a|b)\.ts$/.test(l))).toBe(true);
      expect(lines).toContain('src/web/server.ts is in no layer: give its folder one place in LAYERS (.dependency-cruiser.cjs)');
    });
  });
});
