import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/workspace.js';

describe('npm start (radar demo)', () => {
  it('delivers the regional digests to the local WeCom-compatible endpoint as well as by email', async () => {
    const r = await runCli(['demo', '--port', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+ digest emails in data\/outbox\//);
    const posts = [...r.stdout.matchAll(/^ {2}(east|south): (markdown|template_card|image) {2}(\S+)$/gm)].map((m) => ({ robot: m[1]!, type: m[2]!, file: m[3]! }));
    expect(r.stdout).toContain(`${posts.length} posts to the regional WeCom groups`);
    // 华东 gets its whole digest in its group; 华南 (urgent only) the big price moves as cards.
    expect(posts.filter((p) => p.robot === 'east' && p.type === 'markdown').length).toBeGreaterThan(0);
    expect(posts.filter((p) => p.robot === 'south' && p.type === 'template_card').length).toBeGreaterThan(0);
    for (const p of posts) expect(existsSync(join(REPO, p.file)), p.file).toBe(true);
    const digest = readFileSync(join(REPO, posts.find((p) => p.type === 'markdown')!.file), 'utf8');
    expect(Buffer.byteLength(digest)).toBeLessThanOrEqual(4096);
    expect(digest).toMatch(/^## ［华东］/);
    expect(r.stdout).toMatch(/→ east-wecom: \[华东\]/);
  }, 300_000);
});
