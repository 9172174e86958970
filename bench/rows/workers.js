// Distributed mode on the JavaScript-rendered catalog: a coordinator (`radar daemon --redis`)
// and N `radar worker --browser` processes (the compiled bin/radar.js), a real redis-server on a
// free loopback port. T browser targets, each on its own loopback host (127.0.0.k) so per-host
// politeness does not serialise them; every target runs once at start. Wall time from the first
// job enqueued to the last run settled; the coordinator's CPU over that window.
//
// Simulated on one machine: each worker has a fixed capacity (--concurrency jobs, a few pages at
// a time in its browser) and the shop's JSON call has a backend latency, as on the real web.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { args, report } from '../lib/child.js';
import { startJsCatalog } from '../lib/js-catalog.js';
import { treePids } from '../lib/tree.js';

const a = args();
const root = join(import.meta.dirname, '..', '..');
const workers = Number(a.workers);
const targets = Number(a.targets ?? 60);
const pagesPer = Math.ceil(Number(a.pages) / targets);
const jobs = Number(a['jobs-per-worker'] ?? 2);
const latencyMs = Number(a['api-latency'] ?? 1000);
const cores = availableParallelism();
const pin = a.pin === 'true' && cores >= workers;
const launcher = join(a.dist, '..', 'bin', 'radar.js');
if (!existsSync(join(a.dist, 'cli', 'worker.js'))) {
  report(a.out, { notBuilt: 'radar worker is not in this build' });
  process.exit(0);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const procs = [];
const cleanup = () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
};
process.on('exit', cleanup);

const home = mkdtempSync(join(a.dir, 'workers-'));
const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', home], { stdio: 'ignore' });
procs.push(redis);
const url = `redis://127.0.0.1:${port}`;

const hosts = Array.from({ length: targets }, (_, i) => `127.0.0.${i + 1}`);
const site = await startJsCatalog({ pages: pagesPer, apiLatencyMs: latencyMs, hosts });
mkdirSync(join(home, 'scrapers'));
mkdirSync(join(home, 'rules'));
for (const f of ['owners.yaml', 'price.yaml']) copyFileSync(join(root, 'rules', f), join(home, 'rules', f));
site.urls.forEach((u, i) => {
  writeFileSync(
    join(home, 'scrapers', `shop-${i + 1}.yaml`),
    `id: js-shop-${i + 1}\nkind: price\ncompetitor: JS Shop ${i + 1}\nregion: east\ncurrency: CNY\nschedule: "0 3 1 1 *"\nfetch:\n  url: ${u}/js/list?page={page}\n  mode: browser\n  pages: 1..${pagesPer}\n  min_interval_ms: 0\nitems:\n  each: ".product"\n  key: "@data-sku"\n  fields:\n    name: ".title"\n    price: ".price"\n    url: ".title a@href"\n`,
  );
});

const env = {
  ...process.env,
  RADAR_TEMPLATES_DIR: join(root, 'templates'),
  RADAR_OUTBOX_DIR: join(home, 'outbox'),
  RADAR_HOST_CONCURRENCY: '2',
  RADAR_BROWSER_PAGES: String(jobs * 2),
};
const lines = (proc, on) => {
  let pending = '';
  proc.stdout.on('data', (d) => {
    const parts = (pending + d).split('\n');
    pending = parts.pop();
    for (const l of parts) {
      try {
        on(JSON.parse(l));
      } catch {
        /* not JSON */
      }
    }
  });
};
const cpuOf = (pid) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
};
/**
 * CPU seconds of a worker and everything under it (its Chromium, the renderers): the live
 * processes' own time plus what their reaped children used (a closed renderer's CPU is in its
 * parent's cutime), so a tree's CPU over a window is the difference of two readings.
 */
const treeCpuOf = (pid) => {
  let s = 0;
  for (const p of treePids(pid)) {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      s += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
    } catch {
      /* gone meanwhile */
    }
  }
  return s;
};

// Workers first, so the first jobs find them waiting (each starts its browser on its first job).
let ready = 0;
const workerProcs = [];
for (let i = 1; i <= workers; i++) {
  const argv = [process.execPath, launcher, '--home', home, 'worker', '--redis', url, '--browser', '--concurrency', String(jobs), '--name', `bench-${i}`, '--log', 'json'];
  // --pin: each worker (and the Chromium it starts) on a core of its own, as if each were its own
  // machine; without it one worker may use every core and a second one brings no CPU of its own.
  if (pin) argv.unshift('taskset', '-c', String((i - 1) % cores));
  const w = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(w);
  workerProcs.push(w);
  let seen = false;
  lines(w, (o) => {
    if (!seen && o.msg === 'worker started') {
      seen = true;
      ready++;
    }
  });
}
const until = async (what, ok, ms) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};
await until('workers', () => ready === workers, 60_000);

const settled = new Map();
let failed = null;
let startedAt = null;
const coord = spawn(process.execPath, [launcher, '--home', home, '--state', join(home, 'state'), 'daemon', '--redis', url, '--run-now', '--log', 'json', '--no-watch'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
procs.push(coord);
let cpu0 = NaN;
let workersCpu0 = NaN;
const workersCpu = () => workerProcs.reduce((s, w) => s + treeCpuOf(w.pid), 0);
lines(coord, (o) => {
  if (o.msg === 'daemon started') {
    startedAt = performance.now();
    cpu0 = cpuOf(coord.pid);
    workersCpu0 = workersCpu();
  }
  if (o.msg === 'target run') settled.set(o.target, o);
  if (o.msg === 'target run failed') failed = `${o.target}: ${o.failure} ${o.message}`;
});
try {
  await until('the runs', () => settled.size === targets || failed !== null || coord.exitCode !== null, 1_500_000);
} catch (e) {
  failed = String(e);
}
const wallMs = performance.now() - (startedAt ?? performance.now());
const coordCpuS = cpuOf(coord.pid) - cpu0;
const workersCpuS = workersCpu() - workersCpu0;
coord.kill('SIGTERM');
for (const p of procs.slice(1)) if (p !== coord) p.kill('SIGTERM');
await sleep(2000);
cleanup();
await site.close();
rmSync(home, { recursive: true, force: true });
if (failed || settled.size !== targets) {
  console.error(`workers run failed: ${failed ?? `${settled.size} of ${targets} targets settled`}`);
  process.exit(1);
}
const pages = [...settled.values()].reduce((s, o) => s + o.pages, 0);
const items = [...settled.values()].reduce((s, o) => s + o.items, 0);
// How busy each worker's core was (its Node, Chromium and renderers over the window): near 1, the
// row is CPU-bound and pages/s is what a core can render; well under 1, the workers waited.
const workerBusy = workersCpuS / workers / (wallMs / 1000);
report(a.out, { workers, pinned: pin, pages, items, wallMs, coordCpuS, coordCpuPer1000: (coordCpuS / pages) * 1000, workersCpuS, workerCpuPerPage: workersCpuS / pages, workerBusy });
