import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

/** The target files the README's tender/careers section shows, as sales ops would copy them. */
function readmeTargets(): { name: string; yaml: string }[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf("## Tenders and competitors' hiring");
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  return [...section.matchAll(/```yaml\n(# scrapers\/([\w.-]+\.yaml)[^\n]*\n[\s\S]*?)```/g)].map((m) => ({ name: m[2]!, yaml: m[1]! }));
}

describe("README: the tender and careers examples are valid target files", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
    ws.writeRule('tenders.yaml', readFileSync(join(REPO, 'rules', 'tenders.yaml'), 'utf8'));
    ws.writeRule('jobs.yaml', readFileSync(join(REPO, 'rules', 'jobs.yaml'), 'utf8'));
  });
  afterEach(() => ws.cleanup());

  it('radar validate accepts every example, and the bundled rules files', async () => {
    const targets = readmeTargets();
    expect(targets.map((t) => t.name)).toEqual(['gd-tenders.yaml', 'acme-careers.yaml', 'bolt-jobs.yaml']);
    for (const t of targets) ws.writeTarget(t.name, t.yaml);
    const r = await ws.radar('validate');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok {2}gd-tenders .*gd-tenders\.yaml, tender, http\)/);
    expect(r.stdout).toMatch(/ok {2}bolt-jobs .*bolt-jobs\.yaml, job, json\)/);
  });
});
