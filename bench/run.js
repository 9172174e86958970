#!/usr/bin/env node
// `npm run bench`: every row in its own child process, repeated and interleaved so a noisy
// machine slows all rows alike; prints one table and writes it as JSON (bench/results/latest.json).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir, release, platform } from 'node:os';
import { join } from 'node:path';
import { startCatalog } from './lib/catalog.js';
import { startJsCatalog } from './lib/js-catalog.js';
import { args as parseArgs } from './lib/child.js';
import { renderReport, summarise } from './lib/report.js';
import { sampleTree } from './lib/tree.js';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..');
const a = parseArgs();
const opts = {
  pages: Number(a.pages ?? 1000),
  reps: Number(a.reps ?? 3),
  concurrency: Number(a.concurrency ?? 10),
  latencyMs: Number(a.latency ?? 0),
  only: a.only ? a.only.split(',') : ['quality', 'crawl', 'browser', 'workers', 'diff', 'exports', 'daemon', 'validate'],
  exportRows: Number(a['export-rows'] ?? 1_000_000),
  daemonSettleMs: Number(a['daemon-settle'] ?? 3000),
  validateMb: (a['validate-mb'] ?? '0.25,0.99,10').split(',').map(Number),
  // One run each: the row tells seconds from minutes, and CPU seconds barely move between runs.
  validateReps: Number(a['validate-reps'] ?? 1),
  daemonTargets: Number(a['daemon-targets'] ?? 10_000),
  browserPages: Number(a['browser-pages'] ?? 300),
  browserConcurrency: Number(a['browser-concurrency'] ?? 4),
  // Many more targets (jobs) than worker slots, as in a real deployment, and a whole number of
  // rounds for both rows (60 jobs over 2 slots and over 4): a last round with idle slots would
  // count against the second worker (bench/README.md, row 7).
  workerTargets: Number(a['worker-targets'] ?? 60),
  // Each worker on a core of its own (taskset), as if each were a machine: `--pin-workers false` to let them share.
  pinWorkers: (a['pin-workers'] ?? 'true') !== 'false',
  // Browser rows take minutes each on a small machine: once unless asked.
  browserReps: Number(a['browser-reps'] ?? 1),
  // A quality-only run (seconds) must not replace the full run's latest.json.
  out: a.out ?? join(HERE, 'results', a.only === 'quality' ? 'quality.json' : 'latest.json'),
  // Another source tree (a branch, a candidate fix) measured against the same rows.
  src: a.src ?? ROOT,
};
if (a.help) {
  console.log(`npm run bench [-- --pages 1000 --reps 3 --concurrency 10 --latency 0 --only quality,crawl,browser,workers,diff,exports,daemon,validate --export-rows 1000000 --daemon-settle 3000 --daemon-targets 10000 --browser-pages 300 --browser-concurrency 4 --browser-reps 1 --worker-targets 60 --pin-workers true --validate-mb 0.25,0.99,10 --validate-reps 1 --src DIR --out FILE]
npm run bench:quality   (the quality section alone, seconds)`);
  process.exit(0);
}

/**
 * Crawlee and esbuild live in bench/'s own install so the product's stays light; `npm ci` there
 * on first use (from bench/package-lock.json).
 */
function ensureBenchDeps() {
  const have = () => ['crawlee', 'esbuild', 'playwright'].every((p) => existsSync(join(HERE, 'node_modules', p, 'package.json')));
  if (have()) return;
  process.stderr.write("installing the benchmark's own dependencies (crawlee, playwright, esbuild) into bench/node_modules ...\n");
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: HERE, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0 || !have()) {
    console.error('bench: could not install bench/ dependencies (npm ci in bench/ failed)');
    process.exit(2);
  }
}

ensureBenchDeps();
// The whole bench's time counts from here: compiling, every row, the report (not the one-off install).
const started = Date.now();
const { buildProduct } = await import('./lib/build.js');
const tmp = mkdtempSync(join(tmpdir(), 'radar-bench-run-'));
process.stderr.write(`compiling ${join(opts.src, 'src')} for the measured rows ...\n`);
const product = await buildProduct(opts.src);

/**
 * Runs one measured child; product rows get the compiled product (`--dist`). The child writes its
 * measurements to a file, so its stdout stays free for the library's own logging.
 */
function runChild(script, childArgs, { env = {}, cwd = ROOT, timeoutMs = 240_000, tree = false } = {}) {
  const out = join(tmp, `result-${Math.random().toString(36).slice(2)}.json`);
  const nodeArgs = [join(HERE, script), ...childArgs, '--dist', product.dist, '--out', out];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (d) => (log = (log + d).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    // Browser rows: the memory of the row and every process it started (browsers included).
    const sampler = tree ? sampleTree(child.pid) : null;
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const peaks = sampler?.stop() ?? {};
      if (code === 0 && existsSync(out)) return resolve({ ok: true, ...JSON.parse(readFileSync(out, 'utf8')), ...peaks });
      resolve({ ok: false, error: `exit ${code ?? signal}: ${log.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
}

const rows = [];
const addSample = (id, sample) => {
  let row = rows.find((r) => r.id === id);
  if (!row) rows.push((row = { id, samples: [] }));
  row.samples.push(sample);
};
const progress = (msg) => process.stderr.write(`  ${msg}\n`);
/** Wall seconds per section, so a slow bench shows where its minutes went. */
const sections = {};
const timed = async (name, fn) => {
  const t0 = Date.now();
  await fn();
  sections[name] = Math.round((Date.now() - t0) / 100) / 10;
};

/**
 * Quality: every `rows/quality-*.js` file is one row (a new row is a new file). Each runs once in
 * its own child against the compiled product and the measured tree's corpora.
 */
const quality = [];
if (opts.only.includes('quality')) await timed('quality', async () => {
  const files = readdirSync(join(HERE, 'rows')).filter((f) => /^quality-.+\.js$/.test(f)).sort();
  for (const file of files) {
    const id = file.replace(/^quality-|\.js$/g, '');
    const r = await runChild(`rows/${file}`, ['--src', opts.src], { timeoutMs: 120_000 });
    quality.push({ id, ok: r.ok, error: r.error, notBuilt: r.notBuilt, lines: r.quality?.lines ?? [], goals: r.quality?.goals ?? [] });
    progress(`quality ${id}: ${r.ok ? (r.notBuilt ?? `${r.quality?.lines?.length ?? 0} line(s)`) : r.error}`);
  }
});

if (opts.only.includes('crawl')) await timed('crawl', async () => {
  const site = await startCatalog({ pages: opts.pages, latencyMs: opts.latencyMs });
  const common = ['--url', site.url, '--pages', String(opts.pages), '--concurrency', String(opts.concurrency)];
  const crawlRows = [
    ['crawl.agent', 'rows/agent.js', [], {}],
    ['crawl.crawlee-default', 'rows/crawlee.js', ['--mode', 'default'], {}],
    ['crawl.crawlee-memory', 'rows/crawlee.js', ['--mode', 'memory'], {}],
    ['crawl.floor', 'rows/floor.js', [], {}],
  ];
  progress(`crawl: ${opts.pages} pages (${(site.stats.bytes / opts.pages / 1024).toFixed(0)} KB avg) at ${site.url}, concurrency ${opts.concurrency}, latency ${opts.latencyMs} ms`);
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const [id, script, extra, o] of crawlRows) {
      const cwd = mkdtempSync(join(tmp, 'cwd-'));
      // Crawlee keeps ./storage under its working folder; each run starts from an empty one.
      // Crawlee's default configuration needed over 4 minutes for 1,000 pages on a busy 2-core box.
      const r = await runChild(script, [...common, ...extra], { ...o, cwd, timeoutMs: 600_000, env: { CRAWLEE_STORAGE_DIR: join(cwd, 'storage') } });
      rmSync(cwd, { recursive: true, force: true });
      addSample(id, r);
      progress(`${id} #${rep}: ${r.ok ? `${(r.pages / (r.wallMs / 1000)).toFixed(1)} pages/s, ${r.items} items, ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB` : r.error}`);
    }
  }
  await site.close();
});

if (opts.only.includes('browser')) await timed('browser', async () => {
  const site = await startJsCatalog({ pages: opts.browserPages });
  const common = ['--url', site.url, '--pages', String(opts.browserPages), '--concurrency', String(opts.browserConcurrency)];
  progress(`browser: ${opts.browserPages} JavaScript-rendered pages at ${site.url}, concurrency ${opts.browserConcurrency}`);
  for (let rep = 1; rep <= opts.browserReps; rep++) {
    for (const [id, script] of [
      ['browser.agent', 'rows/agent-browser.js'],
      ['browser.crawlee', 'rows/crawlee-browser.js'],
    ]) {
      const cwd = mkdtempSync(join(tmp, 'cwd-'));
      const r = await runChild(script, common, { cwd, tree: true, timeoutMs: 1_800_000, env: { CRAWLEE_STORAGE_DIR: join(cwd, 'storage') } });
      rmSync(cwd, { recursive: true, force: true });
      addSample(id, r);
      progress(`${id} #${rep}: ${r.ok ? `${(r.pages / (r.wallMs / 1000)).toFixed(1)} pages/s, ${r.items} items, peak ${(r.peakTreePssBytes / 2 ** 20).toFixed(0)} MB PSS (${(r.peakTreeRssBytes / 2 ** 20).toFixed(0)} MB RSS summed) over ${r.peakProcesses} processes` : r.error}`);
    }
  }
  await site.close();
});

if (opts.only.includes('workers')) await timed('workers', async () => {
  // Same work for 1 and 2 worker processes: the browser catalog's pages spread over many targets.
  const skip = new Set();
  for (let rep = 1; rep <= opts.browserReps; rep++) {
    for (const n of [1, 2]) {
      if (skip.has(n)) continue;
      const r = await runChild('rows/workers.js', ['--workers', String(n), '--pages', String(opts.browserPages), '--targets', String(opts.workerTargets), ...(opts.pinWorkers ? ['--pin'] : []), '--dir', tmp], { tree: true, timeoutMs: 1_800_000 });
      addSample(`workers.${n}`, r);
      if (r.notBuilt) skip.add(n);
      progress(`workers.${n} #${rep}: ${r.notBuilt ?? (r.ok ? `${(r.pages / (r.wallMs / 1000)).toFixed(1)} pages/s, ${r.items} items, coordinator ${r.coordCpuPer1000.toFixed(1)} CPU s per 1,000 pages` : r.error)}`);
    }
  }
});

if (opts.only.includes('diff')) await timed('diff', async () => {
  const baseline = {};
  for (const n of [10_000, 100_000]) {
    const prep = await runChild('rows/diff.js', ['--prepare', '--items', String(n), '--changed', '0.05', '--dir', tmp]);
    if (!prep.ok) progress(`diff ${n}: the baseline run failed: ${prep.error}`);
    baseline[n] = prep.baseline;
  }
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const n of [10_000, 100_000]) {
      if (!baseline[n]) continue;
      const r = await runChild('rows/diff.js', ['--items', String(n), '--changed', '0.05', '--dir', tmp, '--baseline', baseline[n]]);
      addSample(`diff.${n}`, r);
      progress(`diff ${n} #${rep}: ${r.ok ? `${r.totalMs.toFixed(0)} ms, ${(r.fileBytes / 2 ** 20).toFixed(1)} MB` : r.error}`);
    }
  }
});

if (opts.only.includes('exports')) await timed('exports', async () => {
  const prep = await runChild('rows/exports.js', ['--prepare', '--rows', String(opts.exportRows), '--dir', tmp]);
  if (!prep.ok || prep.notBuilt) {
    for (const id of ['exports.parse', 'exports.score']) addSample(id, prep.ok ? { ok: false, notBuilt: prep.notBuilt } : prep);
    progress(`exports: ${prep.notBuilt ?? prep.error}`);
  } else {
    progress(`exports: ${prep.rows} rows, ${(prep.fileBytes / 2 ** 20).toFixed(0)} MB of CSV`);
    const slow = new Set();
    for (let rep = 1; rep <= opts.reps; rep++) {
      for (const mode of ['parse', 'score']) {
        // A row that takes minutes is measured once: the whole bench must stay under 5 minutes.
        if (slow.has(mode)) continue;
        const r = await runChild('rows/exports.js', ['--mode', mode, '--file', prep.file, '--dir', tmp], { timeoutMs: 600_000 });
        addSample(`exports.${mode}`, r);
        if (r.ok && r.wallMs > 60_000) slow.add(mode);
        progress(`exports ${mode} #${rep}: ${r.ok ? `${(r.wallMs / 1000).toFixed(2)} s, ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB${slow.has(mode) ? ' (over a minute: not repeated)' : ''}` : r.error}`);
      }
    }
  }
});

if (opts.only.includes('daemon')) await timed('daemon', async () => {
  // 500 targets: a team's daemon; 10,000: a large sales organisation's coordinator.
  const sizes = [['daemon.rest', 500], ['daemon.large', opts.daemonTargets]];
  const skip = new Set();
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const [id, n] of sizes) {
      if (skip.has(id)) continue;
      const r = await runChild('rows/daemon.js', ['--targets', String(n), '--dir', tmp, '--settle', String(opts.daemonSettleMs)]);
      addSample(id, r);
      progress(`${id} #${rep}: ${r.notBuilt ?? (r.ok ? `${r.targets} targets: ${(r.restRssBytes / 2 ** 20).toFixed(0)} MB at rest, started in ${(r.startMs / 1000).toFixed(1)} s, one edit reloaded in ${r.reloadMs.toFixed(0)} ms` : r.error)}`);
      if (r.notBuilt) skip.add(id);
    }
  }
});

if (opts.only.includes('validate')) await timed('validate', async () => {
  // Just under the 1 MB cap, a quarter of it (to see the growth), and a 10 MB file (refused unread).
  const slow = new Set();
  for (let rep = 1; rep <= opts.validateReps; rep++) {
    // Each size valid, and the one under the cap once more with a problem on every line.
    const runs = [...opts.validateMb.map((mb) => ({ mb, id: `validate.${mb}`, extra: [] })), { mb: 0.99, id: 'validate.broken.0.99', extra: ['--broken'] }];
    for (const { mb, id, extra } of runs) {
      // A size that takes minutes (a tree without the linear check) is measured once.
      if (slow.has(id)) continue;
      const r = await runChild('rows/validate.js', ['--mb', String(mb), '--dir', tmp, ...extra], { timeoutMs: 600_000 });
      addSample(id, r);
      if (r.ok && r.wallMs > 60_000) slow.add(id);
      progress(`${id} #${rep}: ${r.notBuilt ?? (r.ok ? `${(r.wallMs / 1000).toFixed(2)} s, ${r.windowCpuS.toFixed(2)} s CPU${r.refused ? ', refused' : ''}` : r.error)}`);
      if (r.notBuilt) return;
    }
  }
});

rmSync(tmp, { recursive: true, force: true });
product.cleanup();

const crawleeVersion = (() => {
  try {
    return JSON.parse(readFileSync(join(HERE, 'node_modules', 'crawlee', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
})();
const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const commit = (() => {
  const r = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: opts.src, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
})();
const result = {
  at: new Date().toISOString(),
  durationS: Math.round((Date.now() - started) / 1000),
  sectionsS: sections,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    os: `${platform()} ${release()}`,
  },
  versions: {
    node: process.version,
    'sales-radar': `${version(ROOT)}${commit ? ` (${commit})` : ''}`,
    crawlee: crawleeVersion,
    cheerio: version(join(ROOT, 'node_modules', 'cheerio')),
    'p-queue': version(join(ROOT, 'node_modules', 'p-queue')),
  },
  params: opts,
  rows: summarise(rows),
  quality,
};
const { table, goals } = renderReport(result);
result.goals = goals;
mkdirSync(join(opts.out, '..'), { recursive: true });
writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
console.log(table);
console.log(`\n(${result.durationS} s: ${Object.entries(sections).map(([k, v]) => `${k} ${v} s`).join(', ')}; JSON: ${opts.out})`);
