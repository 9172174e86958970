// Turns the repeated samples into medians (with min and max), one table, and the goals met or not.

const MB = 2 ** 20;

export function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], max: v[v.length - 1], n: v.length };
}

const METRICS = {
  pagesPerS: (s) => (s.pages && s.wallMs ? s.pages / (s.wallMs / 1000) : undefined),
  wallS: (s) => (s.wallMs === undefined ? undefined : s.wallMs / 1000),
  items: (s) => s.items,
  rows: (s) => s.rows,
  peakRssMB: (s) => (s.peakRssBytes === undefined ? undefined : s.peakRssBytes / MB),
  restRssMB: (s) => (s.restRssBytes === undefined ? undefined : s.restRssBytes / MB),
  cpuS: (s) => s.cpuS,
  windowCpuS: (s) => s.windowCpuS,
  totalMs: (s) => s.totalMs,
  diffMs: (s) => s.diffMs,
  decideMs: (s) => s.decideMs,
  historyMs: (s) => s.historyMs,
  writeMs: (s) => s.writeMs,
  readMs: (s) => s.readMs,
  reloadMs: (s) => s.reloadMs,
  startS: (s) => (s.startMs === undefined ? undefined : s.startMs / 1000),
  targets: (s) => s.targets,
  peakTreePssMB: (s) => (s.peakTreePssBytes ? s.peakTreePssBytes / MB : undefined),
  peakTreeRssMB: (s) => (s.peakTreeRssBytes ? s.peakTreeRssBytes / MB : undefined),
  peakTreeOwnMB: (s) => (s.peakTreeOwnBytes ? s.peakTreeOwnBytes / MB : undefined),
  peakProcesses: (s) => s.peakProcesses,
  treeCpuS: (s) => s.treeCpuS,
  coordCpuPer1000: (s) => s.coordCpuPer1000,
  workerBusy: (s) => s.workerBusy,
  workerCpuPerPage: (s) => s.workerCpuPerPage,
  fileMB: (s) => (s.fileBytes === undefined ? undefined : s.fileBytes / MB),
};

/** Per row: every metric as { median, min, max, n }, plus the errors of failed samples. */
export function summarise(rows) {
  return rows.map((row) => {
    const ok = row.samples.filter((s) => s.ok);
    const out = { id: row.id, runs: ok.length, errors: row.samples.filter((s) => !s.ok && s.error).map((s) => s.error), metrics: {}, samples: row.samples };
    const notBuilt = row.samples.find((s) => s.notBuilt)?.notBuilt;
    if (notBuilt) out.notBuilt = notBuilt;
    for (const [name, get] of Object.entries(METRICS)) {
      const st = stats(ok.map(get));
      if (st) out.metrics[name] = st;
    }
    return out;
  });
}

const f = (x, digits = 0) => (x === undefined || x === null ? '–' : x.toFixed(digits));
const range = (st, digits = 0, unit = '') => (st ? `${f(st.median, digits)}${unit} (${f(st.min, digits)}–${f(st.max, digits)})` : '–');
const ratio = (a, b) => (a && b ? a.median / b.median : undefined);

const LABELS = {
  'crawl.agent': 'crawl: sales-radar (full pipeline)',
  'crawl.crawlee-default': 'crawl: Crawlee CheerioCrawler, default',
  'crawl.crawlee-memory': 'crawl: Crawlee CheerioCrawler, in-memory',
  'crawl.floor': 'crawl: floor (fetch+cheerio+p-queue)',
  'browser.agent': 'browser: sales-radar browser target',
  'browser.crawlee': 'browser: Crawlee PlaywrightCrawler, in-memory',
  'workers.1': 'distributed: coordinator + 1 worker',
  'workers.2': 'distributed: coordinator + 2 workers',
  'diff.10000': 'diff+snapshot: 10 k items, 5 % changed',
  'diff.100000': 'diff+snapshot: 100 k items, 5 % changed',
  'exports.parse': 'exports: parse the CSV only (csv-parse)',
  'exports.score': 'exports: import + score (attrition)',
  'daemon.rest': 'daemon at rest: 500 targets, none due',
  'daemon.large': 'daemon at rest: 10 k targets, none due',
};
const labelOf = (id) =>
  LABELS[id] ??
  (id.startsWith('validate.broken.') ? `radar validate: ${id.slice(16)} MB, every line a problem` : id.startsWith('validate.') ? `radar validate: one ${id.slice(9)} MB target file` : id);

/** The table (text) and the goals with their measured numbers. */
export function renderReport(result) {
  const byId = Object.fromEntries(result.rows.map((r) => [r.id, r]));
  const m = (id, k) => byId[id]?.metrics[k];
  const p = result.params;
  const lines = [];
  const head = ['row', 'speed', 'items', 'peak RSS MB', 'CPU s', 'notes'];
  const body = [];
  const agentPps = m('crawl.agent', 'pagesPerS');
  for (const row of result.rows) {
    // The large daemon row's size is an option (--daemon-targets).
    const big = row.id === 'daemon.large' && row.metrics.targets ? `daemon at rest: ${f(row.metrics.targets.median / 1000)} k targets, none due` : null;
    const label = big ?? labelOf(row.id);
    if (row.notBuilt) {
      body.push([label, 'not built yet', '', '', '', row.notBuilt]);
      continue;
    }
    if (!row.runs) {
      body.push([label, 'FAILED', '', '', '', (row.errors[0] ?? '').slice(0, 120)]);
      continue;
    }
    const x = row.metrics;
    const failed = row.errors.length ? ` ${row.errors.length} run(s) failed` : '';
    if (row.id.startsWith('crawl.')) {
      let note = '';
      if (row.id === 'crawl.agent') {
        note = ['crawlee-default', 'crawlee-memory', 'floor']
          .map((o) => [o, ratio(agentPps, m(`crawl.${o}`, 'pagesPerS'))])
          .filter(([, r]) => r)
          .map(([o, r]) => `${r.toFixed(2)}× ${o}`)
          .join(', ');
        const rss = ratio(m('crawl.agent', 'peakRssMB'), m('crawl.crawlee-memory', 'peakRssMB'));
        if (rss) note += `; RSS ${rss.toFixed(2)}× crawlee-memory`;
      }
      body.push([label, range(x.pagesPerS, 1, ' p/s'), f(x.items?.median), range(x.peakRssMB), range(x.cpuS, 1), note + failed]);
    } else if (row.id.startsWith('browser.')) {
      // Memory of the row's whole process tree (Node and every Chromium process), as PSS.
      const binary = row.samples.find((s) => s.ok && s.browser)?.browser;
      const own = x.peakTreeOwnMB ? `; of it anonymous + shared memory ${f(x.peakTreeOwnMB.median)} MB (the rest is file pages: the binary, libraries)` : '';
      let note = `peak over ${f(x.peakProcesses?.median)} processes${own}; RSS summed ${f(x.peakTreeRssMB?.median)} MB; CPU of all processes${binary ? `; ${binary}` : ''}`;
      if (row.id === 'browser.agent') {
        const sp = ratio(x.pagesPerS, m('browser.crawlee', 'pagesPerS'));
        const mem = ratio(x.peakTreePssMB, m('browser.crawlee', 'peakTreePssMB'));
        if (sp && mem) note = `${sp.toFixed(2)}× Crawlee pages/s at ${mem.toFixed(2)}× its memory; ` + note;
      }
      body.push([label, range(x.pagesPerS, 1, ' p/s'), f(x.items?.median), `${range(x.peakTreePssMB)} PSS`, range(x.treeCpuS, 1), note + failed]);
    } else if (row.id.startsWith('workers.')) {
      let note = `coordinator ${f(x.coordCpuPer1000?.median, 1)} CPU s per 1,000 pages`;
      // Each worker's core: how busy (1 = CPU-bound) and what a page cost its tree (Node + Chromium).
      if (x.workerBusy) note += `; each worker's core ${f(x.workerBusy.median * 100)} % busy, ${f(x.workerCpuPerPage?.median, 2)} CPU s per page`;
      if (row.id === 'workers.2') {
        const sp = ratio(x.pagesPerS, m('workers.1', 'pagesPerS'));
        if (sp) note = `${sp.toFixed(2)}× one worker; ` + note;
      }
      body.push([label, range(x.pagesPerS, 1, ' p/s'), f(x.items?.median), `${range(x.peakTreePssMB)} PSS`, range(x.treeCpuS, 1), note + failed]);
    } else if (row.id.startsWith('diff.')) {
      const note = `file ${f(x.fileMB?.median, 1)} MB; diff ${f(x.diffMs?.median)} + decide ${f(x.decideMs?.median)} + history ${f(x.historyMs?.median)} + write ${f(x.writeMs?.median)} ms; read ${f(x.readMs?.median)} ms`;
      body.push([label, range(x.totalMs, 0, ' ms'), f(x.items?.median), range(x.peakRssMB), range(x.cpuS, 1), note + failed]);
    } else if (row.id.startsWith('exports.')) {
      let note = '';
      if (row.id === 'exports.score') {
        const r = ratio(m('exports.score', 'wallS'), m('exports.parse', 'wallS'));
        if (r) note = `${r.toFixed(2)}× parse time`;
      }
      body.push([label, range(x.wallS, 2, ' s'), f(x.rows?.median), range(x.peakRssMB), range(x.cpuS, 1), note + failed]);
    } else if (row.id.startsWith('daemon.')) {
      body.push([
        label,
        `reload ${range(x.reloadMs, 0, ' ms')}`,
        `${f(x.targets?.median)} targets`,
        range(x.restRssMB),
        range(x.cpuS, 1),
        `RSS at rest (peak ${f(x.peakRssMB?.median)} MB); started in ${f(x.startS?.median, 1)} s; reload = one file edited, SIGHUP, until applied` + failed,
      ]);
    } else if (row.id.startsWith('validate.')) {
      const refused = row.samples.some((s) => s.ok && s.refused);
      const what = refused ? 'refused unread (over the 1 MB cap)' : `${f(x.items?.median)} fields in one mapping${row.id.startsWith('validate.broken.') ? ', each selector invalid' : ''}`;
      const note = `${what}; validate's own CPU ${f(x.windowCpuS?.median, 2)} s`;
      body.push([label, range(x.wallS, 2, ' s'), refused ? '' : f(x.items?.median), range(x.peakRssMB), range(x.cpuS, 1), note + failed]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const fmt = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join(' | ').trimEnd();
  lines.push(
    `sales-radar benchmarks — ${result.machine.cores} cores (${result.machine.cpu}), node ${result.versions.node}, crawlee ${result.versions.crawlee ?? '–'}, cheerio ${result.versions.cheerio}`,
  );
  if (body.length) {
    lines.push(
      `crawl: ${p.pages} pages × 24 products, concurrency ${p.concurrency}, latency ${p.latencyMs} ms; ${p.reps} runs per row, median (min–max)`,
      '',
      fmt(head),
      widths.map((w) => '-'.repeat(w)).join('-|-'),
      ...body.map(fmt),
    );
  }

  const goals = [];
  const goal = (name, measured, met, detail) => goals.push({ goal: name, measured, met });
  const cd = ratio(agentPps, m('crawl.crawlee-default', 'pagesPerS'));
  const cm = ratio(agentPps, m('crawl.crawlee-memory', 'pagesPerS'));
  const fl = ratio(agentPps, m('crawl.floor', 'pagesPerS'));
  const rss = ratio(m('crawl.agent', 'peakRssMB'), m('crawl.crawlee-memory', 'peakRssMB'));
  if (cd !== undefined) goal('crawl ≥ 2× Crawlee default pages/s', `${cd.toFixed(2)}×`, cd >= 2);
  if (cm !== undefined) goal('crawl ≥ 1.5× Crawlee in-memory pages/s', `${cm.toFixed(2)}×`, cm >= 1.5);
  if (fl !== undefined) goal('crawl ≥ 0.8× the floor pages/s', `${fl.toFixed(2)}×`, fl >= 0.8);
  if (rss !== undefined) goal('crawl peak RSS ≤ 0.5× Crawlee in-memory', `${rss.toFixed(2)}× (${f(m('crawl.agent', 'peakRssMB')?.median)} vs ${f(m('crawl.crawlee-memory', 'peakRssMB')?.median)} MB)`, rss <= 0.5);
  const bs = ratio(m('browser.agent', 'pagesPerS'), m('browser.crawlee', 'pagesPerS'));
  const bm = ratio(m('browser.agent', 'peakTreePssMB'), m('browser.crawlee', 'peakTreePssMB'));
  if (bs !== undefined) goal(`browser catalog ≥ 2× Crawlee PlaywrightCrawler pages/s (concurrency ${p.browserConcurrency})`, `${bs.toFixed(2)}×`, bs >= 2);
  if (bm !== undefined) goal('browser catalog peak memory ≤ 0.5× Crawlee (all processes, PSS)', `${bm.toFixed(2)}× (${f(m('browser.agent', 'peakTreePssMB')?.median)} vs ${f(m('browser.crawlee', 'peakTreePssMB')?.median)} MB)`, bm <= 0.5);
  const ws = ratio(m('workers.2', 'pagesPerS'), m('workers.1', 'pagesPerS'));
  if (ws !== undefined) goal('2 workers ≥ 1.7× the pages/s of 1', `${ws.toFixed(2)}× (coordinator ${f(m('workers.2', 'coordCpuPer1000')?.median, 1)} CPU s per 1,000 pages)`, ws >= 1.7);
  if (byId['workers.1']?.notBuilt) goals.push({ goal: 'distributed workers', measured: 'not built yet', met: null });
  const d10 = m('diff.10000', 'totalMs');
  const d100 = m('diff.100000', 'totalMs');
  if (d100) goal('100 k diff + snapshot write < 1 s', `${f(d100.median)} ms`, d100.median < 1000);
  // Linear: 10× the items may take up to 12× the time (a little slack for noise and GC).
  if (d10 && d100) goal('diff + snapshot grows linearly (10 k → 100 k)', `${(d100.median / d10.median).toFixed(1)}× time for 10× items`, d100.median / d10.median <= 12);
  const es = m('exports.score', 'wallS');
  const ep = m('exports.parse', 'wallS');
  const n = byId['exports.score']?.metrics.rows?.median;
  const rowsLabel = n ? `${n >= 1e6 ? `${n / 1e6} M` : `${n / 1e3} k`} rows` : 'export rows';
  if (es && ep) goal(`${rowsLabel} scored in ≤ 2× parse time`, `${(es.median / ep.median).toFixed(2)}× (${f(es.median, 1)} s vs ${f(ep.median, 1)} s)`, es.median / ep.median <= 2);
  const er = m('exports.score', 'peakRssMB');
  if (er) goal(`${rowsLabel} scored with peak RSS < 300 MB`, `${f(er.median)} MB`, er.median < 300);
  if (byId['exports.score']?.notBuilt) goals.push({ goal: 'exports (1 M rows)', measured: 'not built yet', met: null });
  const dr = m('daemon.rest', 'restRssMB');
  if (dr) goal('daemon at rest < 100 MB RSS', `${f(dr.median)} MB`, dr.median < 100);
  if (byId['daemon.rest']?.notBuilt) goals.push({ goal: 'daemon at rest', measured: 'not built yet', met: null });
  const big = byId['daemon.large']?.metrics;
  const bigN = big?.targets ? `${f(big.targets.median / 1000)} k targets` : 'many targets';
  if (big?.restRssMB) goal(`daemon with ${bigN} at rest < 150 MB RSS`, `${f(big.restRssMB.median)} MB`, big.restRssMB.median < 150);
  if (big?.reloadMs) goal(`daemon with ${bigN}: config reload < 2 s`, `${f(big.reloadMs.median)} ms`, big.reloadMs.median < 2000);
  const read100 = m('diff.100000', 'readMs');
  if (read100) goal('100 k-item snapshot read < 300 ms', `${f(read100.median)} ms`, read100.median < 300);

  // A target file at the cap must not hold up validate or the daemon's reload for long, the check
  // must stay linear (4× the size may take up to 5× the CPU), and a file over the cap costs nothing.
  const vSmall = m('validate.0.25', 'windowCpuS');
  const vCap = m('validate.0.99', 'windowCpuS');
  if (vCap) goal('radar validate on a target file at the 1 MB cap < 5 s CPU', `${f(vCap.median, 2)} s`, vCap.median < 5);
  if (vSmall && vCap) goal('radar validate grows linearly (0.25 → 0.99 MB)', `${(vCap.median / vSmall.median).toFixed(1)}× CPU for 4× the size`, vCap.median / vSmall.median <= 5);
  const vBroken = m('validate.broken.0.99', 'windowCpuS');
  if (vBroken) goal('radar validate on a 1 MB target file with a problem on every line < 5 s CPU', `${f(vBroken.median, 2)} s`, vBroken.median < 5);
  const vBig = m('validate.10', 'windowCpuS');
  if (vBig) {
    const refused = byId['validate.10'].samples.some((s) => s.ok && s.refused);
    goal('a 10 MB target file refused unread, < 1 s CPU', `${refused ? 'refused' : 'read in full'}, ${f(vBig.median, 2)} s`, refused && vBig.median < 1);
  }

  // The whole bench's time is a goal only for the full default run (all rows, 1,000 pages, 3 runs each).
  // Browser and distributed rows take minutes of their own: the 5-minute goal is for the rest.
  const full = p.pages === 1000 && p.reps === 3 && p.exportRows === 1_000_000 && ['quality', 'crawl', 'diff', 'exports', 'daemon', 'validate'].every((s) => p.only.includes(s));
  const browserS = (result.sectionsS?.browser ?? 0) + (result.sectionsS?.workers ?? 0);
  if (full && result.durationS !== undefined) goal(`npm run bench under 5 minutes on ${result.machine.cores} cores (without the browser and distributed rows)`, `${((result.durationS - browserS) / 60).toFixed(1)} min`, result.durationS - browserS < 300);

  if (result.quality?.length) {
    lines.push('', ...renderQuality(result.quality));
    for (const q of result.quality) goals.push(...q.goals);
  }

  lines.push('', 'goals:');
  for (const g of goals) lines.push(`  ${g.met === null ? '·' : g.met ? '✓ met    ' : '✗ not met'} ${g.goal}: ${g.measured}`);
  return { table: lines.join('\n'), goals };
}

/**
 * The quality table: one block of lines per quality row. "tuned" is measured on data the code was
 * tuned on, "held out" on data kept aside (the honest number).
 */
function renderQuality(quality) {
  const head = ['quality', 'measure', 'tuned on', 'held out', 'notes'];
  const body = [];
  for (const q of quality) {
    if (!q.ok) body.push([q.id, 'FAILED', '', '', (q.error ?? '').slice(0, 120)]);
    else if (q.notBuilt) body.push([q.id, 'not built yet', '', '', q.notBuilt]);
    else for (const l of q.lines) body.push([l.row, l.measure, l.tuned ?? '', l.heldOut ?? '', l.note ?? '']);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const fmt = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join(' | ').trimEnd();
  return [
    'quality: on the corpora in test/corpus/ (see their READMEs); "tuned on" = data the code was tuned on, "held out" = data kept aside',
    '',
    fmt(head),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(fmt),
  ];
}
