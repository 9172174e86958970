// Exports: scoring 1 M CRM activity rows (~80 MB CSV) with the product's attrition import and
// scorer, against merely parsing the same file with csv-parse (a dev dependency kept as this yardstick:
// the importer tokenises CSV itself, see src/signals/table.ts).
//   --prepare --rows N --dir D   writes the export (plus roster and org) once, reports the paths
//   --mode parse --file F        csv-parse over F, counting rows, nothing kept
//   --mode score --file F        import roster, org and F into a fresh state folder, then score
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, report, window } from '../lib/child.js';

const a = args();
const root = join(import.meta.dirname, '..', '..');
const NOW = new Date('2026-11-23T01:00:00Z');

// The product's attrition import and scoring entry points; the row says "not built" without them.
const entry = (p) => join(a.dist, ...p.split('/'));
const needed = ['signals/pipeline.js', 'signals/scorer.js', 'signals/config.js', 'signals/dates.js'];
const missing = needed.filter((p) => !existsSync(entry(p)));
if (missing.length) {
  report(a.out, { notBuilt: `attrition import/scoring not in this build (${missing.join(', ')})` });
  process.exit(0);
}

if (a.prepare) {
  const dir = mkdtempSync(join(a.dir, 'exports-'));
  const rows = Number(a.rows);
  const people = 5000;
  const days = Math.ceil(rows / people);
  const regions = ['华东', '华南', '华北', '西南'];
  const names = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split('');
  const given = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚'.split('');
  const person = (i) => ({ id: String(100000 + i), name: names[i % names.length] + given[(i * 7) % given.length] + given[(i * 13) % given.length], region: regions[i % regions.length] });
  const bom = '\ufeff';
  let roster = `${bom}工号,姓名,部门,岗位,入职日期,员工状态,离职申请日期,最后工作日\n`;
  let org = `${bom}工号,姓名,部门,岗位,区域,团队,直属上级,经理邮箱,邮箱\n`;
  for (let i = 0; i < people; i++) {
    const p = person(i);
    roster += `${p.id},${p.name},${p.region}销售部,${i % 5 ? '销售代表' : '客户经理'},2021-03-01,正式,,\n`;
    org += `${p.id},${p.name},${p.region}销售部,${i % 5 ? '销售代表' : '客户经理'},${p.region},${p.region}${(i % 6) + 1}组,${p.region}总监,head-${i % 4}@example.com,s${p.id}@example.com\n`;
  }
  writeFileSync(join(dir, 'hr-roster.csv'), roster);
  writeFileSync(join(dir, 'org.csv'), org);
  // Day by day, everyone: the shape of a CRM's daily activity export.
  const file = join(dir, 'crm-activity.csv');
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write(`${bom}日期,工号,姓名,部门,登录,拜访,新客户,任务完成,任务逾期,跟进,线索,商机推进,商机阶段,商机金额(万元)\n`);
  const stages = ['初步接洽', '需求确认', '方案报价', '商务谈判', ''];
  let n = 0;
  let seed = 12345;
  const rnd = (k) => ((seed = (seed * 1103515245 + 12345) >>> 0) % k);
  const end = Date.UTC(2026, 10, 20);
  for (let d = days - 1; d >= 0 && n < rows; d--) {
    const date = new Date(end - d * 86_400_000).toISOString().slice(0, 10);
    let chunk = '';
    for (let i = 0; i < people && n < rows; i++, n++) {
      const p = person(i);
      const stage = stages[rnd(5)];
      chunk += `${date},${p.id},${p.name},${p.region}销售部,${rnd(6)},${rnd(5)},${rnd(2)},${rnd(6)},${rnd(2)},${rnd(8)},${rnd(4)},${rnd(3)},${stage},${stage ? rnd(500) / 10 : ''}\n`;
    }
    await write(chunk);
  }
  await new Promise((r) => out.end(r));
  report(a.out, { file, rows: n, fileBytes: statSync(file).size });
  process.exit(0);
}

if (a.mode === 'parse') {
  const req = createRequire(join(root, 'package.json'));
  const { parse } = await import(pathToFileURL(req.resolve('csv-parse')).href);
  const done = window();
  let rows = 0;
  const parser = createReadStream(a.file).pipe(parse({ bom: true, relax_column_count: true }));
  for await (const _row of parser) rows++;
  report(a.out, { rows: rows - 1, fileBytes: statSync(a.file).size, ...done() });
  process.exit(0);
}

// score: what `radar signals score --input` does, with the roster and org imported alongside.
const { loadSignalsConfig, loadAttritionConfig } = await import(entry('signals/config.js'));
const { importInto, mergedView, specForFile } = await import(entry('signals/pipeline.js'));
const { scorePopulation } = await import(entry('signals/scorer.js'));
const { dayInZone, lastCompleteWeek } = await import(entry('signals/dates.js'));
const state = mkdtempSync(join(a.dir, 'exports-state-'));
mkdirSync(state, { recursive: true });
const dir = dirname(a.file);
const done = window();
const cfg = await loadSignalsConfig(join(root, 'rules'));
const acfg = await loadAttritionConfig(join(root, 'rules'));
const specs = [];
for (const f of [join(dir, 'hr-roster.csv'), join(dir, 'org.csv'), a.file]) specs.push(await specForFile(f, cfg));
const res = await importInto(state, specs, cfg, NOW);
const { merged, directory } = mergedView(res.store);
const week = lastCompleteWeek(dayInZone(NOW, cfg.timezone));
const run = scorePopulation({ merged, directory, cfg: acfg, week });
const w = done();
rmSync(state, { recursive: true, force: true });
const activity = res.reports.find((r) => r.file === 'crm-activity.csv');
if (!activity || activity.rows < 1) {
  console.error(`import read nothing: ${JSON.stringify(res.reports)} ${JSON.stringify(res.badRows.slice(0, 3))}`);
  process.exit(1);
}
report(a.out, { rows: activity.rows, used: activity.used, bad: activity.bad, scored: run.scored.length, scoreSum: Math.round(run.scored.reduce((s, p) => s + p.score, 0) * 1000) / 1000, skipped: run.skipped, week, ...w });
