// The product as users run it: plain JavaScript compiled from src/, no loader hooks in the
// measured process (tsx would add a hooks thread and its caches to every RSS we report).
// esbuild transpiles file by file, like tsc's emit for dist/, in about a second; the output
// sits in a temp folder whose node_modules links to the product's, so it resolves the same
// dependency versions as dist/ would.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

function tsFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Compiles ROOT/src to a temp folder; resolves to { dir, dist, cleanup }. */
export async function buildProduct(root) {
  const dir = mkdtempSync(join(tmpdir(), 'radar-bench-build-'));
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  await build({
    entryPoints: tsFiles(join(root, 'src')),
    outdir: dist,
    outbase: join(root, 'src'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'error',
  });
  // version.ts reads ../../package.json from dist/core/; demo.ts finds the package root the same way.
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  // bin/radar.js imports ../dist/cli/main.js: a copy here runs this build, as the installed bin runs dist/.
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  for (const d of ['templates', 'rules', 'data']) symlinkSync(join(root, d), join(dir, d));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return { dir, dist, rel: (p) => relative(dist, p), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
