import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { errorLine } from '../../src/core/errors.js';
import { checkHealthConfig } from '../../src/health/config.js';
import { runHealthJob } from '../../src/health/job.js';
import { REPO_RULES, writeRules, writeSmallExports } from './fixtures.js';
import { makeWorkspace } from '../helpers/workspace.js';

const shipped = readFileSync(join(REPO_RULES, 'health.yaml'), 'utf8');

function problem(yaml: string): string {
  try {
    checkHealthConfig(parseYamlSource('rules/health.yaml', yaml));
  } catch (e) {
    return errorLine(e);
  }
  return 'no error';
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('rules/health.yaml', () => {
  it('the shipped file has the twelve metrics of the issue, each with both labels, a target and a weight', () => {
    const cfg = checkHealthConfig(parseYamlSource('rules/health.yaml', shipped));
    expect(cfg.metrics.map((m) => m.id)).toEqual([
      'login_days',
      'task_completion',
      'overdue_tasks',
      'interaction_density',
      'first_followup_48h',
      'second_touch_7d',
      'visit_notes',
      'record_completeness',
      'stage_progression',
      'new_leads',
      'response_time',
      'won_margin_share',
    ]);
    for (const m of cfg.metrics) {
      expect(m.label_zh).toMatch(/[\u4e00-\u9fff]/);
      expect(m.label_en).toMatch(/[a-z]/i);
      expect(m.weight).toBeGreaterThan(0);
      expect(cfg.courses[m.id]).toBeDefined();
    }
  });

  it('names file:line and the field for a formula that does not parse or uses an unknown variable', () => {
    const bad = shipped.replace('formula: login_days * 5 / workdays', 'formula: login_days * / workdays');
    expect(problem(bad)).toMatch(new RegExp(`^rules/health\\.yaml:${lineOf(bad, 'formula: login_days * /')}: metrics\\.0\\.formula: does not parse`));
    const unknown = shipped.replace('formula: tasks_done / (tasks_done + tasks_overdue)', 'formula: tasks_done / tasks_due');
    expect(problem(unknown)).toBe(`rules/health.yaml:${lineOf(unknown, 'tasks_done / tasks_due')}: metrics.1.formula: unknown variable "tasks_due" (known: ${problem(unknown).split('(known: ')[1]}`);
    expect(problem(unknown)).toContain('first_visits_followed');
  });

  it('refuses a lower-is-better metric without worst, a course for no metric, and a duplicate id', () => {
    expect(problem(shipped.replace('    target: 2\n    worst: 12\n', '    target: 2\n'))).toMatch(/metrics\.2\.worst: a "lower is better" metric needs worst/);
    expect(problem(shipped.replace('courses:\n', 'courses:\n  calls: { zh: 电话, en: Calls }\n'))).toMatch(/rules\/health\.yaml:\d+: courses\.calls: no metric with id "calls"/);
    expect(problem(shipped.replace('  - id: task_completion', '  - id: login_days'))).toMatch(/metrics\.1\.id: "login_days" is used twice/);
    expect(problem(shipped.replace('coaching:\n', 'coachng:\n'))).toMatch(/coachng: unknown field/);
  });

  it('radar validate reports a broken rules/health.yaml with file:line', async () => {
    const ws = makeWorkspace();
    try {
      ws.writeRule('health.yaml', shipped.replace('formula: visits_with_notes / visits', 'formula: visits_with_notes / vists'));
      const r = await ws.radar('validate');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`error  .*rules/health\\.yaml:${lineOf(shipped, 'formula: visits_with_notes / visits')}: metrics\\.6\\.formula: unknown variable "vists"`));
      ws.writeRule('health.yaml', shipped);
      expect((await ws.radar('validate')).stderr).not.toContain('health.yaml');
    } finally {
      ws.cleanup();
    }
  });

  describe('a company changes its metrics without code', () => {
    let root: string;
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('removes one, re-weights one and adds its own formula: the index follows', async () => {
      root = mkdtempSync(join(tmpdir(), 'radar-health-config-'));
      writeSmallExports(join(root, 'exports'));
      const rules = writeRules(join(root, 'rules'), (y) => {
        const start = y.indexOf('  - id: won_margin_share');
        const end = y.indexOf('\ncoaching:');
        const custom = [
          '  - id: visits_per_day',
          '    label_zh: 日均拜访',
          '    label_en: Visits per workday',
          '    source: crm-followups',
          '    formula: visits / workdays',
          '    direction: higher',
          '    target: 2',
          '    floor: 0.5',
          '    weight: 2',
          '',
        ].join('\n');
        return (y.slice(0, start) + custom + y.slice(end)).replace(/courses:\n[\s\S]*?\n\ndigest:/, 'courses: {}\n\ndigest:').replace(/(- id: login_days[\s\S]*?weight: )1/, '$10');
      });
      const r = await runHealthJob({ rulesDir: rules, stateDir: join(root, 'state'), now: new Date('2026-11-23T01:00:00Z'), samplesDir: join(root, 'exports') });
      const pw = [...r.series.values()].map((s) => s.find((x) => x.week === '2026-W47')!).find((x) => x.metrics.some((m) => m.id === 'visits_per_day' && m.value !== null))!;
      expect(pw.metrics.map((m) => m.id)).not.toContain('won_margin_share');
      // 6 visits over 5 workdays: 1.2 of a target of 2 -> 60.
      const v = pw.metrics.find((m) => m.id === 'visits_per_day')!;
      expect(v.value).toBe(1.2);
      expect(v.score).toBe(60);
      // login_days has weight 0 now: the index is the weighted mean of the others.
      let num = 0;
      let den = 0;
      for (const m of pw.metrics) {
        if (m.score === null) continue;
        const w = m.id === 'login_days' ? 0 : m.id === 'visits_per_day' ? 2 : 1;
        num += w * m.score;
        den += w;
      }
      expect(pw.index).toBeCloseTo(num / den, 9);
      const team = r.alerts.find((a) => a.topic === 'team')!.payload as { metrics: { id: string }[] };
      expect(team.metrics.map((m) => m.id)).toContain('visits_per_day');
    });
  });
});
