/**
 * `radar signals ...`: import exported logs, score attrition risk (weekly logs or a labelled
 * table), train on past leavers, and the HR review loop (alerts, ack).
 * Output names people only when asked (--names): by default a terminal shows pseudonymous ids.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadRules } from '../config/load.js';
import { deliverOutbox } from '../deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import { acquireLock } from '../schedule/lock.js';
import { runAttritionJob } from '../signals/job.js';
import { opsView, Outbox } from '../store/outbox.js';
import { out, pathsFrom, sentLine, setExitCode, parseNow, parseWeek } from './common.js';
import { RadarError } from '../core/errors.js';
import { ackAlert, listOpenAlerts, listReviewedAlerts } from '../signals/alerts.js';
import { describeCoverage, weekNote } from '../signals/coverage.js';
import { loadAttritionConfig, loadSignalsConfig } from '../signals/config.js';
import { dayInZone, dayToIso, lastCompleteWeek, weekToScore } from '../signals/dates.js';
import type { ImportReport } from '../signals/importer.js';
import { importInto, mergedView, purgeOnly, resolveSources, specForFile } from '../signals/pipeline.js';
import { scorePopulation } from '../signals/scorer.js';
import { dataSpan, readJson, signalsDir } from '../signals/store.js';
import type { BadRow } from '../signals/table.js';
import { checkModel, describeEncoding, readLabelledTable, scoreTable, strongestTerms, train } from '../signals/tablemodel.js';

interface Common {
  now?: Date;
  json?: boolean;
}

function parseNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${v}`);
  return n;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A file named on the command line that is not there is a usage error (exit 2), not a failed import. */
async function mustExist(files: readonly string[]): Promise<void> {
  for (const f of files) {
    try {
      await access(f);
    } catch {
      throw new RadarError('usage', 'no such file', { where: f });
    }
  }
}

/** Rules and state folders come from the program's --home / --state (see cli/common.ts). */
function addCommon(c: Command): Command {
  return c.option('--now <iso>', 'pretend it is this time (demos, tests)', parseNow).option('--json', 'machine-readable output');
}

const rulesOf = (cmd: Command): string => pathsFrom(cmd).rulesDir;
const weekDay = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
const stateOf = (cmd: Command): string => pathsFrom(cmd).stateDir;
const nowOf = (o: Common): Date => o.now ?? new Date();
const whoAmI = (): string => process.env.RADAR_USER ?? safeUser();
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function printImport(reports: ImportReport[], badRows: BadRow[]): void {
  for (const r of reports) {
    const ign = Object.entries(r.ignored)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    out(
      `${r.file}: ${r.preset}, ${r.format === 'csv' ? r.encoding : 'xlsx'}, ${r.rows} rows, ${r.used} used, ${r.bad} bad${ign ? `, ignored: ${ign}` : ''}` +
        (r.firstWeek ? `, ${r.firstWeek}..${r.lastWeek}` : '') +
        `, ${r.people} people`,
    );
    // How much of the team a per-person export speaks for: the rest are no data there, not zero.
    if (r.coverage) out(`  ${describeCoverage(r.coverage, 'the roster')}`);
  }
  const shown = badRows.slice(0, 20);
  for (const b of shown) out(`  bad row ${b.file}:${b.line}: ${b.reason}`);
  if (badRows.length > shown.length) out(`  ... ${badRows.length - shown.length} more listed bad rows (see --json); every bad row is counted above`);
}

export function register(program: Command): void {
  const signals = program
    .command('signals')
    .description('attrition risk from exported logs (attendance, communication, CRM, customer transfers); alerts go to HR only');

  addCommon(
    signals
      .command('import')
      .description('import exports into the signals store (no files: the sources in rules/signals.yaml); bad rows are reported with file:line')
      .argument('[files...]', 'CSV (UTF-8, UTF-8 BOM, GBK/GB18030) or XLSX exports')
      .option('--preset <name>', 'column preset for the files (default: matched from rules/signals.yaml or detected from the header)')
      .option('--encoding <enc>', 'auto (default), utf-8, gbk, gb18030, utf-16le')
      .option('--sheet <name>', 'XLSX worksheet (default: the first)')
      .option('--inputs <dir>', 'folder for the configured sources (default: inputs_dir of rules/signals.yaml)'),
  ).action(async (files: string[], o: Common & { preset?: string; encoding?: string; sheet?: string; inputs?: string }, cmd: Command) => {
    const cfg = await loadSignalsConfig(rulesOf(cmd));
    let specs;
    let missing: BadRow[] = [];
    if (files.length > 0) {
      await mustExist(files);
      specs = [];
      for (const f of files) specs.push(await specForFile(f, cfg, { ...(o.preset ? { preset: o.preset } : {}), ...(o.encoding ? { encoding: o.encoding } : {}), ...(o.sheet ? { sheet: o.sheet } : {}) }));
    } else {
      ({ specs, missing } = await resolveSources(cfg, o.inputs ?? resolve(pathsFrom(cmd).home, cfg.inputs_dir), join(rulesOf(cmd), 'signals.yaml')));
    }
    const res = await importInto(stateOf(cmd), specs, cfg, nowOf(o), missing);
    if (o.json) out(JSON.stringify({ imports: res.reports, badRows: res.badRows, purged: res.purged }, null, 2));
    else {
      printImport(res.reports, res.badRows);
      if (res.purged.rawFiles + res.purged.weeks > 0) out(`retention: removed ${res.purged.rawFiles} raw files and ${res.purged.weeks} person-weeks older than ${cfg.retention_days} days`);
    }
    // A file that could not be read at all fails the command; bad rows alone do not.
    if (res.badRows.some((b) => b.line === 0)) setExitCode(cmd, 1);
  });

  addCommon(
    signals
      .command('run')
      .description('the weekly HR job, as the daemon runs it: import the exports of rules/signals.yaml, score the latest complete week, raise attrition alerts for HR and send them')
      .option('--week <isoWeek>', 'score this week instead, e.g. 2026-W47', parseWeek)
      .option('--inputs <dir>', 'folder with the exports (default: inputs_dir of rules/signals.yaml)')
      .option('--no-send', 'record the alerts in the outbox only; the next run or `radar run` sends them')
      .addHelpText(
        'after',
        `
Alerts go to the hr list of rules/owners.yaml and nobody else, in an email of their own; radar signals
alerts lists them and radar signals ack records a review. Running it again for the same week raises
nothing twice. Exit codes: 0 done (bad rows are listed as warnings), 1 an export could not be read or
mail failed, 2 bad usage or config.`,
      ),
  ).action(async (o: Common & { week?: string; inputs?: string; send: boolean }, cmd: Command) => {
    const paths = pathsFrom(cmd);
    const cfg = await loadSignalsConfig(paths.rulesDir);
    const rules = loadRules(paths.rulesDir);
    const lock = acquireLock(paths.stateDir, 'signals');
    try {
      const r = await runAttritionJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: nowOf(o), samplesDir: o.inputs ?? resolve(paths.home, cfg.inputs_dir), ...(o.week ? { week: o.week } : {}) });
      const outbox = new Outbox(paths.stateDir);
      outbox.policy = recordPolicy(rules.delivery ?? DEFAULT_DELIVERY);
      const recorded = outbox.record(r.alerts, new Date());
      const d = o.send ? await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' }) : null;
      const failed = d?.delivery.failed ?? [];
      if (o.json) {
        out(JSON.stringify({ week: r.week, data: r.data, scored: r.scored, skipped: r.skipped, alerts: r.alerts.map((a) => a.id), recorded: recorded.length, sent: d?.delivery.sent.length ?? 0, failed: failed.length, imports: r.imports, badRows: r.badRows }, null, 2));
      } else {
        printImport(r.imports, r.badRows);
        const note = weekNote(r.week, o.week !== undefined, r.data ? { first: weekDay(r.data.first), last: weekDay(r.data.last) } : null, 'the sources in rules/signals.yaml');
        if (note) process.stderr.write(`${note}\n`);
        out(
          `week ${r.week}${r.data ? ` (exports ${r.data.first}..${r.data.last})` : ''}: ${r.scored} scored, ${r.alerts.length} attrition alert${r.alerts.length === 1 ? '' : 's'} for HR (${recorded.length} new)` +
            (r.skipped.length ? `; not scored: ${r.skipped.map((x) => `${x.count} ${x.reason}`).join(', ')}` : ''),
        );
        for (const m of d?.delivery.sent ?? []) out(sentLine(m, undefined, '  '));
        for (const f of failed) process.stderr.write(`  ✗ mail not sent: ${opsView(f.msg).lastError ?? f.error}\n`);
        if (!o.send && recorded.length) out('  recorded in the outbox; the next radar run (or the daemon) sends them');
        out('Review with: radar signals alerts --names; then radar signals ack NAME --note TEXT');
      }
      setExitCode(cmd, r.badRows.some((b) => b.line === 0) || failed.length ? 1 : 0);
    } finally {
      lock.release();
    }
  });

  addCommon(
    signals
      .command('score')
      .description('score attrition risk: weekly logs (the store, plus any --input exports), or with --model a labelled-shape table')
      .option('--input <file>', 'export to import first (weekly mode, repeatable) or the table to score (--model mode)', collect)
      .option('--model <file>', 'model file from `radar signals train`: score --input as a table, one line per person')
      .option('--week <isoWeek>', 'week to score, e.g. 2026-W47 (default: the last complete week the exports cover)', parseWeek)
      .option('--names', 'show names (default: pseudonymous ids only)')
      .option('--all', 'list everyone, not only the top 10'),
  ).action(async (o: Common & { input?: string[]; model?: string; week?: string; names?: boolean; all?: boolean }, cmd: Command) => {
    if (o.model) {
      if (!o.input || o.input.length !== 1) throw new RadarError('usage', 'table mode needs exactly one --input FILE with --model');
      await mustExist([o.model, ...o.input]);
      let raw: unknown;
      try {
        raw = await readJson<unknown>(o.model, null);
      } catch (err) {
        throw new RadarError('usage', 'not a model file (made by `radar signals train`)', { where: o.model, cause: err });
      }
      if (raw === null) throw new RadarError('usage', 'no such model file', { where: o.model });
      const model = checkModel(raw, o.model);
      const t = await readLabelledTable(o.input[0] as string);
      const scores = scoreTable(model, t);
      // `score` is the calibrated probability of leaving (0-1); each driver's contribution is in logit points against the average person.
      const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
      if (o.json) out(JSON.stringify(scores.map((s) => ({ id: s.id, score: r4(s.probability), drivers: s.drivers.map((d) => ({ ...d, contribution: r4(d.contribution) })) })), null, 2));
      else for (const s of scores) out(`${s.id}\t${(s.probability * 100).toFixed(1)}%\t${s.drivers.map((d) => `${d.text_en} (${d.contribution >= 0 ? '+' : ''}${d.contribution.toFixed(2)})`).join('; ')}`);
      if (t.bad.count > 0) {
        for (const b of t.bad.sample) process.stderr.write(`bad row ${b.file}:${b.line}: ${b.reason}\n`);
        setExitCode(cmd, 1);
      }
      return;
    }
    const cfg = await loadSignalsConfig(rulesOf(cmd));
    const acfg = await loadAttritionConfig(rulesOf(cmd));
    const now = nowOf(o);
    let store;
    let badRows: BadRow[] = [];
    if (o.input && o.input.length > 0) {
      await mustExist(o.input);
      const specs = [];
      for (const f of o.input) specs.push(await specForFile(f, cfg));
      const res = await importInto(stateOf(cmd), specs, cfg, now);
      store = res.store;
      badRows = res.badRows;
      if (!o.json) printImport(res.reports, res.badRows);
    } else {
      ({ store } = await purgeOnly(stateOf(cmd), cfg, now));
    }
    const { merged, directory } = mergedView(store);
    const span = dataSpan(store);
    const week = o.week ?? weekToScore(dayInZone(now, cfg.timezone), span?.last ?? null);
    const run = scorePopulation({ merged, directory, cfg: acfg, week });
    const note = weekNote(week, o.week !== undefined, span, 'radar signals import');
    const label = (pid: string): string => (o.names ? `${directory.people.get(pid)?.name ?? pid} (${pid})` : pid);
    if (o.json) {
      out(
        JSON.stringify(
          {
            week,
            data: span ? { first: dayToIso(span.first), last: dayToIso(span.last) } : null,
            skipped: run.skipped,
            badRows,
            scored: run.scored.map((p) => ({
              personId: p.pid,
              ...(o.names ? { name: directory.people.get(p.pid)?.name ?? null } : {}),
              score: Math.round(p.score * 10) / 10,
              logit: p.logit,
              trend: p.trend,
              drivers: p.drivers,
            })),
          },
          null,
          2,
        ),
      );
      return;
    }
    if (note) process.stderr.write(`${note}\n`);
    // Said when the exports end before the calendar's last complete week, the one people expect.
    const early = span && !o.week && week !== lastCompleteWeek(dayInZone(now, cfg.timezone));
    out(`week ${week}${early ? ` (the latest complete week in the exports, which run ${dayToIso(span.first)}..${dayToIso(span.last)})` : ''}: ${run.scored.length} scored, threshold ${acfg.threshold}` + (run.skipped.length ? `; not scored: ${run.skipped.map((s) => `${s.count} ${s.reason}`).join(', ')}` : ''));
    const list = o.all ? run.scored : run.scored.slice(0, 10);
    for (const p of list) {
      out(`${p.score >= acfg.threshold ? '!' : ' '} ${p.score.toFixed(1).padStart(5)}  ${label(p.pid)}  trend ${p.trend.map((x) => x.toFixed(0)).join(' ')}`);
      for (const d of p.drivers) out(`        ${d.text_zh} / ${d.text_en} (+${d.contribution.toFixed(2)})`);
    }
  });

  signals
    .command('train')
    .description('fit the attrition model on a labelled table of past employees (one row per person) and report stratified 5-fold CV ROC-AUC, PR-AUC and calibration with their spread')
    .requiredOption('--history <file>', 'labelled table: CSV or XLSX, e.g. an IBM-HR-style export')
    .requiredOption('--label <column>', 'the yes/no column (Yes/No, 1/0, 是/否, 离职/在职), e.g. Attrition')
    .option('--out <file>', 'model file to write (default: <state>/signals/model.json)')
    .option('--drop <column>', 'leave a column out (repeatable)', collect)
    .option('--lambda <n>', 'L2 strength (default: chosen by inner cross-validation)', parseNumber)
    .option('--balance', 'weight leavers and stayers equally inside each training fold (probabilities are recalibrated)')
    .option('--repeats <n>', 'repeat the 5-fold cross-validation with other shuffles for a steadier estimate', parseNumber, 1)
    .option('--json', 'machine-readable output')
    .action(async (o: { history: string; label: string; out?: string; drop?: string[]; lambda?: number; balance?: boolean; repeats: number; json?: boolean }, cmd: Command) => {
      await mustExist([o.history]);
      if (!Number.isInteger(o.repeats) || o.repeats < 1 || o.repeats > 20) throw new RadarError('usage', '--repeats must be a whole number from 1 to 20');
      const t = await readLabelledTable(o.history);
      const res = train(t, { label: o.label, repeats: o.repeats, ...(o.drop ? { drop: o.drop } : {}), ...(o.lambda !== undefined ? { lambda: o.lambda } : {}), ...(o.balance ? { balance: true } : {}) });
      const file = o.out ?? join(signalsDir(stateOf(cmd)), 'model.json');
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(res.model, null, 2) + '\n');
      const m = res.model;
      const cv = m.cv;
      if (o.json) {
        out(JSON.stringify({ model: file, rows: m.rows, positives: m.positives, lambda: m.lambda, calibration: m.calibration, encoding: describeEncoding(m), cv, dropped: res.dropped, skippedRows: res.skippedRows }, null, 2));
        return;
      }
      out(`${m.rows} rows, ${m.positives} leavers; ${m.columns.length} blocks -> ${m.features.length} features; lambda ${m.lambda}${m.calibration ? `; calibrated (slope ${m.calibration.b.toFixed(2)})` : ''}`);
      out(`encoding: ${describeEncoding(m).join('; ')}`);
      if (res.dropped.length) out(`left out: ${res.dropped.map((d) => `${d.name} (${d.why})`).join(', ')}`);
      if (res.skippedRows.length) out(`rows without a yes/no label: ${res.skippedRows.length} (first at line ${res.skippedRows[0]?.line})`);
      if (cv) {
        const f = (x: number): string => x.toFixed(3);
        const runs = cv.repeats > 1 ? `${cv.repeats} x ` : '';
        out(`stratified ${runs}${cv.folds}-fold CV: ROC-AUC ${f(cv.rocAuc.mean)} ± ${f(cv.rocAuc.sd)} (folds ${f(cv.rocAuc.min)}-${f(cv.rocAuc.max)}), PR-AUC ${f(cv.prAuc.mean)} ± ${f(cv.prAuc.sd)} (folds ${f(cv.prAuc.min)}-${f(cv.prAuc.max)}; a guess scores ${f(cv.baselinePrAuc)})`);
        out(`calibration (out-of-fold): Brier ${cv.brier.toFixed(4)} (a guess: ${cv.baselineBrier.toFixed(4)}), mean |predicted - observed| ${cv.calibrationError.toFixed(3)}`);
      }
      out(`strongest: ${strongestTerms(m, 8).map(({ feature, weight }) => `${feature} ${weight >= 0 ? '+' : ''}${weight.toFixed(2)}`).join(', ')}`);
      out(`model written to ${file}`);
    });

  signals
    .command('alerts')
    .description('list open attrition alerts (score, drivers, trend) for HR review, or with --reviewed the acknowledged ones; the listing is recorded in the audit log')
    .option('--by <name>', 'who is looking (default: $RADAR_USER or the login name)')
    .option('--reviewed', 'alerts HR acknowledged: who, when, the note, and where the person stands now')
    .option('--names', 'show names (default: pseudonymous ids only)')
    .option('--json', 'machine-readable output')
    .action(async (o: { by?: string; reviewed?: boolean; names?: boolean; json?: boolean }, cmd: Command) => {
      if (o.reviewed) {
        const rows = await listReviewedAlerts(stateOf(cmd), o.by ?? whoAmI(), new Date());
        const shown = rows.map(({ name, ...r }) => ({ ...r, ...(o.names ? { name } : {}) }));
        if (o.json) {
          out(JSON.stringify(shown, null, 2));
          return;
        }
        if (rows.length === 0) {
          out('no reviewed attrition alerts');
          return;
        }
        const tz = (await loadSignalsConfig(rulesOf(cmd))).timezone;
        const local = (iso: string): string => new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
        const NOW = { quiet: 'quiet since the ack', 'alerted again': 'alerted again since (see radar signals alerts)', ended: 'episode over: score fell below the threshold' } as const;
        for (const r of shown) {
          out(`${r.alertId}  ${'name' in r && r.name ? `${r.name}  ` : ''}${r.department ?? ''}`);
          out(`    reviewed ${local(r.ack.at)} by ${r.ack.by} at score ${r.ack.score}: ${r.ack.note}`);
          out(`    now: ${NOW[r.now]}${r.lastScore !== null ? ` (latest score ${r.lastScore}, ${r.lastWeek})` : ''}`);
        }
        return;
      }
      const open = await listOpenAlerts(stateOf(cmd), o.by ?? whoAmI(), new Date());
      const shown = open.map((r) => {
        const { name, ...rest } = r.payload;
        return { alertId: r.alertId, status: r.status, raisedAt: r.raisedAt, lastScore: r.lastScore, lastWeek: r.lastWeek, ...(o.names ? { name } : {}), ...rest, ...(r.ack ? { previousAck: r.ack } : {}) };
      });
      if (o.json) {
        out(JSON.stringify(shown, null, 2));
        return;
      }
      if (open.length === 0) {
        out('no open attrition alerts');
        return;
      }
      for (const r of shown) {
        out(`${r.alertId}  score ${r.score} (latest ${r.lastScore}, ${r.lastWeek})  ${'name' in r ? `${String(r.name)}  ` : ''}${r.department}  trend ${r.trend.join(' ')}`);
        for (const d of r.drivers) out(`    ${d.text_zh} / ${d.text_en}`);
      }
      out('A score is a prompt for a conversation, never grounds for action on its own. Ack with: radar signals ack NAME|工号|ID --note TEXT');
    });

  signals
    .command('ack')
    .description('mark an attrition alert reviewed (who, when, note); it stays quiet until the score rises by ack_quiet_delta')
    .argument('<who>', "the person's name or employee number (工号), or the alert id (attrition:<person>:<week>) or pseudonymous id")
    .requiredOption('--note <text>', 'what was done, e.g. "talked 1:1, workload issue, follow up in 4 weeks"')
    .option('--by <name>', 'reviewer (default: $RADAR_USER or the login name)')
    .action(async (id: string, o: { note: string; by?: string }, cmd: Command) => {
      if (o.note.trim() === '') throw new RadarError('usage', '--note must say something');
      const rec = await ackAlert(stateOf(cmd), id, { by: o.by ?? whoAmI(), note: o.note, at: new Date() });
      out(`acknowledged ${rec.alertId} (score ${rec.lastScore}) by ${rec.ack?.by}`);
    });
}
