import { describe, expect, it } from 'vitest';
import { cutOff, documentCloses, PageKeys, shortSibling } from '../../src/pipeline/pages.js';

describe('documentCloses', () => {
  it.each([
    ['<!doctype html><html><body><p>x</p></body></html>', true],
    ['<!DOCTYPE html>\n<html><body><p>x</p></body></html>\n<script>late()</script>', true],
    ['<html><body><p>x</p></body>', true],
    ['<!doctype html><html><body><ul><li>1</li><li>2', false],
    ['  \n<HTML><BODY><P>x</P></BODY></HTML>', true],
    ['{"data":{"list":[]}}', null],
    ['plain text', null],
  ])('%j → %s', (text, want) => {
    expect(documentCloses(text)).toBe(want);
  });
});

describe('cutOff', () => {
  const page = (over: Partial<Parameters<typeof cutOff>[0]> = {}) => ({ index: 1, url: 'http://shop/list?page=2', bytes: 20_000, closes: true, ...over });
  it('an unclosed page fails, on a new target too, saying how to opt out', () => {
    expect(cutOff(page({ closes: false }), 3, null, false)?.message).toMatch(/^page 2 of 3 stops mid-document after 20 KB .*fetch\.check_complete: false/);
    expect(cutOff(page({ closes: false }), 3, { bytes: [20_000, 20_000, 8000], closed: true }, false)?.class).toBe('truncated');
  });
  it('an unclosed page of a site that never closes its pages is fine', () => {
    expect(cutOff(page({ closes: false }), 3, { bytes: [20_000, 20_000, 8000], closed: false }, false)).toBeNull();
  });
  it('a page far smaller than the same page last time fails, unless accepting', () => {
    const profile = { bytes: [20_000, 20_000, 8000], closed: true };
    expect(cutOff(page({ bytes: 7000 }), 3, profile, false)?.message).toMatch(/page 2 of 3 is 6.8 KB, the last good run.s was 20 KB/);
    expect(cutOff(page({ bytes: 7000 }), 3, profile, true)).toBeNull();
    expect(cutOff(page({ bytes: 9000 }), 3, profile, false)).toBeNull();
    expect(cutOff(page({ index: 3, bytes: 100 }), 4, profile, false)).toBeNull(); // no such page last time
  });
});

describe('shortSibling', () => {
  it('a middle page with a third of its siblings\' items', () => {
    expect(shortSibling([8, 3, 8], ['a', 'b', 'c'])?.message).toBe('page 2 of 3 lists 3 items where another lists 8: it was most likely cut off');
  });
  it('the last page may be short; small lists say nothing', () => {
    expect(shortSibling([8, 8, 1], ['a', 'b', 'c'])).toBeNull();
    expect(shortSibling([3, 1, 1], ['a', 'b', 'c'])).toBeNull();
    expect(shortSibling([8], ['a'])).toBeNull();
  });
});

describe('PageKeys', () => {
  it('a page repeating an earlier one fails; a few items shifting between pages do not', () => {
    const keys = new PageKeys();
    expect(keys.add(0, 'p1', ['a', 'b', 'c', 'd'], 'the page number')).toEqual({ fresh: new Set(['a', 'b', 'c', 'd']) });
    expect(keys.add(1, 'p2', ['d', 'e', 'f', 'g'], 'the page number')).toEqual({ fresh: new Set(['e', 'f', 'g']) });
    expect(keys.duplicates).toBe(1);
    const r = keys.add(2, 'p3', ['a', 'b', 'c', 'd'], 'the page number in fetch.url');
    expect('failure' in r && r.failure).toMatchObject({ class: 'pagination', message: 'page 3 repeats page 1 (4 of its 4 items were already there): the site ignores the page number in fetch.url; check the pagination settings with radar try' });
  });
});
