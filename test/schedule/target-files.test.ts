import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTargets } from '../../src/config/load.js';
import { loadTargetsCached, loadTargetsFirst, type TargetFileCache } from '../../src/schedule/target-files.js';

const target = (id: string, competitor = `Shop ${id}`) =>
  `id: ${id}\nkind: price\ncompetitor: ${competitor}\nregion: east\nschedule: "0 3 * * *"\nfetch:\n  url: http://127.0.0.1:9/${id}\nitems:\n  each: ".p"\n  key: "@data-id"\n  fields:\n    name: ".n"\n    price: ".pr"\n`;

describe("the daemon's cached view of scrapers/", () => {
  let dir: string;
  let cache: TargetFileCache;
  // Editors and git replace a file (new inode); write-then-rename does the same here.
  const save = (name: string, text: string) => {
    writeFileSync(join(dir, `${name}.tmp`), text);
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
  };
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'radar-target-files-')), 'scrapers');
    mkdirSync(dir);
    cache = new Map();
    for (const id of ['a', 'b', 'c']) save(`${id}.yaml`, target(id));
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('gives what loadTargets gives, broken files and duplicate ids included', async () => {
    save('broken.yaml', target('d').replace('kind: price', 'kind: prize'));
    save('dup.yaml', target('a'));
    const plain = loadTargets(dir);
    const first = await loadTargetsFirst(dir, cache);
    expect(first.targets.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(first.targets).toEqual(plain.targets);
    expect(first.errors.map((e) => e.toLine())).toEqual(plain.errors.map((e) => e.toLine()));
    expect(first.errors.map((e) => e.toLine()).join('\n')).toMatch(/broken\.yaml:2.*unknown kind "prize"/);
    expect(first.errors.map((e) => e.toLine()).join('\n')).toMatch(/dup\.yaml:1.*id: "a" is already used by .*a\.yaml/);
  });

  it('re-reads only the file that changed, and sees additions and removals', async () => {
    const before = await loadTargetsFirst(dir, cache);
    save('b.yaml', target('b', 'Renamed Shop'));
    save('e.yaml', target('e'));
    unlinkSync(join(dir, 'c.yaml'));
    const after = loadTargetsCached(dir, cache);
    expect(after.targets.map((t) => [t.id, t.competitor])).toEqual([
      ['a', 'Shop a'],
      ['b', 'Renamed Shop'],
      ['e', 'Shop e'],
    ]);
    // The untouched file was not parsed again: the very same object comes back.
    expect(after.targets[0]).toBe(before.targets[0]);
    expect(after.targets[1]).not.toBe(before.targets[1]);
    expect([...cache.keys()].map((f) => f.slice(dir.length + 1))).not.toContain('c.yaml');
  });

  it('a file broken by an edit reports its error; fixed again, its target is back', () => {
    loadTargetsCached(dir, cache);
    save('a.yaml', target('a').replace('competitor: Shop a', 'competitor: [unclosed'));
    const broken = loadTargetsCached(dir, cache);
    expect(broken.targets.map((t) => t.id)).toEqual(['b', 'c']);
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]!.toLine()).toMatch(/a\.yaml:3.*YAML syntax/);
    save('a.yaml', target('a'));
    const fixed = loadTargetsCached(dir, cache);
    expect(fixed.targets.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(fixed.errors).toEqual([]);
  });

  it('a missing folder is one clear error', () => {
    const r = loadTargetsCached(join(dir, 'nope'), cache);
    expect(r.targets).toEqual([]);
    expect(r.errors[0]!.toLine()).toMatch(/nope.*folder not found/);
  });
});
