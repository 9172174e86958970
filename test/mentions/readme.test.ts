import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

/** The README's mentions section: its target files and its rules/mentions.yaml, as users would copy them. */
function section(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## News and social mentions (舆情)');
  return readme.slice(start, readme.indexOf('\n## ', start + 5));
}

describe('README: the mention examples are valid files', () => {
  let ws: Workspace;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());

  it('radar validate accepts the three example targets with the example rules, and the bundled rules/mentions.yaml', async () => {
    const blocks = [...section().matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const targets = blocks.filter((b) => b.startsWith('# scrapers/'));
    expect(targets.map((b) => /^# scrapers\/([\w.-]+)/.exec(b)![1])).toEqual(['finance-news.yaml', 'portal-search.yaml', 'social.yaml']);
    for (const b of targets) ws.writeTarget(/^# scrapers\/([\w.-]+)/.exec(b)![1]!, b);
    const rules = blocks.find((b) => b.startsWith('marketing:'))!;
    ws.writeRule('mentions.yaml', rules);
    let r = await ws.radar('validate');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok {2}social .*social\.yaml, mention, json\)/);
    expect(r.stdout).toMatch(/ok {2}finance-news .*mention, http\)/);

    ws.writeRule('mentions.yaml', readFileSync(join(REPO, 'rules', 'mentions.yaml'), 'utf8'));
    r = await ws.radar('validate');
    expect(r.code).toBe(0);
  });

  it('a mistake in rules/mentions.yaml is reported with file, line and field', async () => {
    ws.writeRule('mentions.yaml', 'watch:\n  - name: Acme\n    role: rival\n');
    const r = await ws.radar('validate');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/mentions\.yaml:3: watch\.0\.role: /);
  });
});
