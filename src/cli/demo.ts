import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { resolvePaths, displayPath } from '../config/load.js';
import { DEMO_WECOM_ENV, startDemoSite } from '../demo/start.js';
import { runAll } from '../pipeline/run.js';
import { loadRules } from '../config/load.js';
import { deliverOutbox } from '../deliver/deliver.js';
import { Outbox } from '../store/outbox.js';
import { runAttritionJob } from '../signals/job.js';
import { runHealthJob } from '../health/job.js';
import { loadTargetsConfig } from '../sales/targets/config.js';
import { runTargetsJob } from '../sales/targets/job.js';
import { runReminders } from '../sales/followup/job.js';
import { runScorecard } from '../sales/scorecard/job.js';
import { seedDemoUsers } from '../demo/users.js';
import { out, plural, sentLine, setExitCode } from './common.js';
import { printSummary } from './run.js';

/** The folder the package lives in: the demo always uses its bundled targets, rules and templates. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function register(program: Command): void {
  program
    .command('demo')
    .description('Run the bundled demo: start local competitor sites, scrape them, change some prices, scrape again, write the digests.')
    .option('--port <n>', 'port for the demo sites (default 8765, or any free port)', (v) => Number(v))
    .option('--keep-state', 'do not clear the demo state and its outbox (data/outbox/demo/) first')
    .action(async (opts: { port?: number; keepState?: boolean }, cmd: Command) => {
      const root = PACKAGE_ROOT;
      // The demo's own outbox folder: a second `npm start` replaces its emails, and never touches
      // mail that `radar run` or the daemon wrote to data/outbox/.
      const paths = resolvePaths({ home: root, stateDir: join(root, 'data', 'state', 'demo'), outboxDir: join(root, 'data', 'outbox', 'demo') });
      if (!opts.keepState) {
        for (const dir of [paths.stateDir, paths.outboxDir]) if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      }
      const saved = Object.fromEntries(['RADAR_DEMO_URL', ...Object.keys(DEMO_WECOM_ENV)].map((k) => [k, process.env[k]]));
      // The regional WeCom groups of rules/owners.yaml, answered by a WeCom-compatible endpoint on the demo site.
      const { site, base, wecom } = await startDemoSite({ root, ...(opts.port !== undefined ? { port: opts.port } : {}), wecomDir: join(paths.outboxDir, 'wecom') });
      try {
        out(`demo sites on ${base}`);
        out('\n== run 1: first look at every competitor (sets the baseline, no price alerts) ==');
        const first = await runAll({ paths });
        printSummary(first);
        site.applyChanges();
        out('\n== competitors change prices; Delta redesigns its shop; a leak story about Acme spreads on three sites ==');
        out('\n== run 2 ==');
        const second = await runAll({ paths });
        printSummary(second);
        // The sample exports in data/samples/ were generated for the week of 2026-11-23.
        const sampleNow = new Date('2026-11-23T01:00:00Z');
        const rules = loadRules(paths.rulesDir);
        const outbox = new Outbox(paths.stateDir);

        out('\n== weekly HR job: attrition scores from the sample exports (HR only) ==');
        const hr = await runAttritionJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: sampleNow, samplesDir: join(root, 'data', 'samples') });
        out(`scored ${hr.scored} people, ${hr.alerts.length} above the threshold, ${plural(hr.badRows.length, 'bad row')} reported`);
        outbox.record(hr.alerts, new Date());
        const hrMail = await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' });
        for (const m of hrMail.delivery.sent) out(sentLine(m));

        out('\n== weekly sales health job: team heat maps and coaching prompts to managers ==');
        const health = await runHealthJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: sampleNow, samplesDir: join(root, 'data', 'samples') });
        out(`scored ${health.scored} people in ${plural(health.teams, 'team')}, ${plural(health.prompts, 'coaching prompt')}`);
        outbox.record(health.alerts, new Date());
        const healthMail = await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' });
        for (const m of healthMail.delivery.sent) out(sentLine(m));

        out('\n== weekly targets job: attainment digest for the sales VP (table, gap chart, red and forecast alerts) ==');
        // One head's digest, so the demo shows one; `radar targets run` sends every head theirs.
        const vp = loadTargetsConfig(paths.rulesDir).digest.group.slice(0, 1);
        const targets = await runTargetsJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: sampleNow, samplesDir: join(root, 'data', 'samples'), owners: rules.owners, only: vp });
        out(`${targets.view.fy} to ${targets.view.asOf}: turned red ${targets.turnedRed.join(', ') || 'none'}; forecast below target ${targets.forecastBelow.join(', ') || 'none'}; ${targets.data.badRows.length} bad rows reported (radar targets show lists them)`);
        outbox.record(targets.alerts, new Date());
        const targetsMail = await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' });
        for (const m of targetsMail.delivery.sent) out(sentLine(m));

        out('\n== daily follow-up reminder: one rep\'s overdue CRM follow-ups (48 h feedback, 7-day second touch, idle stages, stage criteria) ==');
        // One rep's reminder (工号 10001 has planted cases), so the demo shows one; `radar followup remind` sends each rep theirs.
        const fu = await runReminders({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: sampleNow, samplesDir: join(root, 'data', 'samples'), only: ['s10001@example.com'] });
        const rep = fu.reps.find((r) => r.employeeId === '10001');
        out(`${fu.reps.length} reps have something to do today; ${rep?.name ?? '10001'}: ${rep?.overdue ?? 0} overdue, ${rep?.due ?? 0} due today`);
        outbox.record(fu.alerts, new Date());
        const fuMail = await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' });
        for (const m of fuMail.delivery.sent) out(sentLine(m));

        out('\n== monthly scorecard: one person\'s card (five weighted dimensions, percentiles among peers, radar chart, courses) ==');
        // One person's card, so the demo shows one; `radar scorecard run` sends everyone theirs and each manager the team heat map.
        const sc = await runScorecard({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now: sampleNow, samplesDir: join(root, 'data', 'samples'), only: ['s10001@example.com'] });
        out(`${sc.current.month}: ${sc.current.scores.size} people scored against their peers (same 岗位)`);
        outbox.record(sc.alerts, new Date());
        const scMail = await deliverOutbox(outbox, { rules, paths, now: () => new Date(), window: 'all' });
        for (const m of scMail.delivery.sent) out(sentLine(m));

        const sent = [...first.delivery.sent, ...second.delivery.sent, ...hrMail.delivery.sent, ...healthMail.delivery.sent, ...targetsMail.delivery.sent, ...fuMail.delivery.sent, ...scMail.delivery.sent];
        const emails = sent.filter((m) => !m.channel || m.channel === 'email');
        out(`\n${plural(emails.length, 'digest email')} in ${displayPath(paths.outboxDir)}/ (open the .eml in a mail client or the .html in a browser):`);
        for (const m of emails) if (m.file) out(`  ${displayPath(m.file)}`);
        out(`\n${plural((wecom?.posts ?? []).length, 'post')} to the regional WeCom groups (a WeCom-compatible robot endpoint on ${base}), in ${displayPath(join(paths.outboxDir, 'wecom'))}/:`);
        for (const p of (wecom?.posts ?? [])) out(`  ${p.robot}: ${p.msgtype}  ${displayPath(p.file)}`);
        out(`state (snapshots, history, outbox) in ${displayPath(paths.stateDir)}/; try: npx radar history acme-prices --state ${displayPath(paths.stateDir)}`);
        const logins = await seedDemoUsers(paths);
        out('\n== web console on this demo ==');
        out('  npx radar serve --demo        then open http://127.0.0.1:8080/ (Ctrl-C stops it; --port N for another port)');
        for (const l of logins) out(`  ${l.role.padEnd(8)} ${l.user.padEnd(10)} password ${l.password.padEnd(22)} ${l.scope}`);
        // The demo is expected to show one broken scraper; it succeeded if mail went out.
        setExitCode(cmd, emails.length > 0 ? 0 : 1);
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        await site.stop();
      }
    });
}
