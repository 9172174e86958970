import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

/** A valid target with one line swapped for `change` (same line count, so line numbers are known). */
const target = (id: string, over: Record<string, string> = {}): string => {
  const lines: Record<string, string> = {
    id: `id: ${id}`,
    competitor: 'competitor: Acme',
    region: 'region: east',
    schedule: 'schedule: "0 8 * * *"',
    fetch: 'fetch:',
    url: '  url: "http://127.0.0.1:9/list"',
    items: 'items:',
    each: '  each: ".product"',
    fields: '  fields:',
    name: '    name: ".title"',
    price: '    price: ".price"',
    ...over,
  };
  return Object.values(lines).join('\n') + '\n';
};

describe('radar validate catches what used to fail only later, with file:line: field and a hint', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
    ws.writeTarget('good.yaml', target('good'));
  });
  afterEach(() => ws.cleanup());

  const problems = async (): Promise<string[]> => {
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    return r.stderr.split('\n').filter((l) => l.startsWith('error'));
  };

  it('an hour that does not exist and a schedule in words are not crons', async () => {
    ws.writeTarget('hour.yaml', target('hour', { schedule: 'schedule: "0 25 * * *"' }));
    ws.writeTarget('words.yaml', target('words', { schedule: 'schedule: "every day at 9"' }));
    const p = await problems();
    expect(p).toContainEqual(expect.stringMatching(/scrapers\/hour\.yaml:4: schedule: "0 25 \* \* \*" is not a cron: hour 25 is outside 0-23 \(e\.g\. "0 9 \* \* \*" = 09:00 every day/));
    expect(p).toContainEqual(expect.stringMatching(/scrapers\/words\.yaml:4: schedule: "every day at 9" is not a cron: it has 4 parts, a cron has 5: minute hour day-of-month month weekday/));
    expect(p).toHaveLength(2);
  });

  it('a CSS selector cheerio cannot read', async () => {
    ws.writeTarget('sel.yaml', target('sel', { each: '  each: "li.g-card["', name: '    name: "h3::before"' }));
    const p = await problems();
    expect(p).toEqual([
      expect.stringMatching(/scrapers\/sel\.yaml:8: items\.each: "li\.g-card\[" is not a valid CSS selector: a "\[" is never closed with "\]" \(check it on the page/),
      expect.stringMatching(/scrapers\/sel\.yaml:10: items\.fields\.name: "h3::before": "::before" is a pseudo-element/),
    ]);
  });

  it('a misspelt field name, at the top level and among the fields', async () => {
    ws.writeTarget('typo.yaml', target('typo', { price: '    prcie: ".price"' }));
    ws.writeTarget('top.yaml', target('top', { schedule: 'shedule: "0 8 * * *"' }));
    const p = await problems();
    expect(p).toContainEqual(expect.stringMatching(/scrapers\/typo\.yaml:11: items\.fields\.prcie: "prcie" is not a field price targets read; did you mean "price"\? \(price targets need name and price\)/));
    expect(p).toContainEqual(expect.stringMatching(/scrapers\/top\.yaml:4: shedule: unknown field; did you mean "schedule"\?/));
  });

  it('a region with no owner', async () => {
    ws.writeTarget('r.yaml', target('r', { region: 'region: eest' }));
    const p = await problems();
    expect(p).toEqual([expect.stringMatching(/scrapers\/r\.yaml:3: region: "eest" has no owners in rules\/owners\.yaml; did you mean "east"\?/)]);
  });

  it('a 比价 table cadence for an address that owns no region (a typo would leave the owner on the default)', async () => {
    ws.writeRule('compare.yaml', 'table:\n  send: daily\n  owners:\n    south-head@example.com: weekly\n    east-haed@example.com: alerts\n    nobody@example.com: off\n');
    mkdirSync(join(ws.home, 'data'));
    writeFileSync(join(ws.home, 'data', 'pricelist.csv'), '商品编码,商品名称,型号,品牌,品类,指导价\nR-1,Radar 空调 KFR-35GW/R1,KFR-35GW/R1,Radar,空调,2499\n');
    expect(await problems()).toEqual([
      expect.stringMatching(/rules\/compare\.yaml:5: table\.owners\.east-haed@example\.com: not an owner of any region in rules\/owners\.yaml, so it changes no one's table; did you mean "east-head@example\.com"\?$/),
      expect.stringMatching(/rules\/compare\.yaml:6: table\.owners\.nobody@example\.com: not an owner of any region in rules\/owners\.yaml, so it changes no one's table; table\.owners lists region owners from rules\/owners\.yaml$/),
    ]);
  });

  it('reports every problem of a file at once, in line order', async () => {
    ws.writeTarget('all.yaml', target('all', { region: 'region: mars', schedule: 'schedule: "0 25 * * *"', each: '  each: "li["', price: '    prise: ".p"' }));
    const lines = (await problems()).map((l) => Number(/all\.yaml:(\d+):/.exec(l)?.[1]));
    expect(lines).toEqual([3, 4, 8, 11]);
  });

  it('a file with a mistake on every line shows its first 20 problems and counts the rest', async () => {
    const fields = Array.from({ length: 30 }, (_, i) => `    f${i}: "li.x${i}["`).join('\n');
    ws.writeTarget('many.yaml', target('many') + fields + '\n');
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error'));
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatch(/many\.yaml:12: items\.fields\.f0: "li\.x0\[" is not a valid CSS selector/);
    expect(lines[19]).toMatch(/many\.yaml:31: items\.fields\.f19: /);
    expect(lines[20]).toMatch(/scrapers\/many\.yaml: and 10 more problems in this file \(the first 20 are shown above\)$/);
    expect(r.stdout).toMatch(/^30 problems$/m);
  });

  it('the same broken files make radar status exit 1 and radar run skip them while the good ones run', async () => {
    ws.writeTarget('hour.yaml', target('hour', { schedule: 'schedule: "0 25 * * *"' }));
    const status = await ws.radar('status');
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/✗ .*hour\.yaml:4: schedule: "0 25 \* \* \*" is not a cron/);
    expect(status.stdout).toContain('good');
    expect(status.stdout).not.toMatch(/^hour\s/m);
    expect(status.stdout).toContain('1 target: 0 healthy, 0 failing, 0 stale, 1 never run (times in Asia/Shanghai); 1 target file problem (above, not in this table): fix, then radar validate');
  });
});

describe('YAML syntax errors name the real line and column in a plain sentence', () => {
  let ws: Workspace;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());

  const firstError = async (yaml: string): Promise<string> => {
    ws.writeTarget('y.yaml', yaml);
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.includes('y.yaml'))!;
    // No parser terms (implicit keys, map values, flow collections) and never "line 1" for a later mistake.
    expect(line).not.toMatch(/implicit|map value|scalar|flow/i);
    return line.replace(/^error\s+\S*scrapers\//, '');
  };

  it('missing colon', async () => {
    expect(await firstError('id: y\ncompetitor Acme\nregion: east\n')).toBe('y.yaml:2:1: YAML syntax: "competitor Acme" has no colon after the field name; write "competitor: Acme"');
    expect(await firstError('id: y\nregion: east\nfetch:\n  url: "http://x/"\n  mode http\n')).toBe('y.yaml:5:3: YAML syntax: "mode http" has no colon after the field name; write "mode: http"');
  });

  it('unclosed quote', async () => {
    expect(await firstError("id: y\ncompetitor: 'Acme\nregion: east\nfetch:\n  url: x\n")).toBe(
      "y.yaml:2:13: YAML syntax: the single quote opened here is never closed; add a closing ' at the end of the value",
    );
  });

  it('tab', async () => {
    expect(await firstError('id: y\nfetch:\n\turl: "http://x/"\n')).toBe('y.yaml:3:1: YAML syntax: a tab is used to indent this line; YAML indents with spaces only');
  });

  it('duplicate key', async () => {
    expect(await firstError('id: y\ncompetitor: A\nregion: east\ncompetitor: B\n')).toBe('y.yaml:4:1: YAML: "competitor" appears twice in the same mapping (first on line 2); keep one');
  });

  it('a file far too large for a target is refused before it is read, and the other targets still load', async () => {
    ws.writeTarget('ok.yaml', target('ok'));
    const big = join(ws.home, 'scrapers', 'big.yaml');
    writeFileSync(big, target('big') + '# ' + 'x'.repeat(2 * 1024 * 1024) + '\n');
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scrapers\/big\.yaml: file is 2\.0 MB, over the 1\.0 MB a target or rule file may have; is this the right file\?/);
    expect(r.stdout).toMatch(/ok {2}ok /);
  });
});
