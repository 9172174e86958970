import { describe, expect, it } from 'vitest';
import type { RadarError } from '../../src/core/errors.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';

const errorOf = (text: string): string => {
  try {
    parseYamlSource('f.yaml', text);
  } catch (e) {
    return (e as RadarError).toLine();
  }
  return 'no error';
};

describe('parseYamlSource', () => {
  it('finds a duplicate key among many, nested or not, with both lines', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  k${i}: v`).join('\n');
    expect(errorOf(`a:\n${keys}\n  k17: again\n`)).toBe('f.yaml:50002:3: YAML: "k17" appears twice in the same mapping (first on line 19); keep one');
    expect(errorOf('a: { x: 1, y: 2, x: 3 }\n')).toBe('f.yaml:1:18: YAML: "x" appears twice in the same mapping (first on line 1); keep one');
    // The same key in two different mappings is fine.
    expect(errorOf('a: { x: 1 }\nb: { x: 1 }\n')).toBe('no error');
  });

  it('points an unclosed quote at where it opened, ignoring quotes inside words and comments', () => {
    expect(errorOf(`name: it's here # don't\nurl: "http://x/\nmode: http\n`)).toBe('f.yaml:2:6: YAML syntax: the double quote opened here is never closed; add a closing " at the end of the value');
  });

  it('finds the line of any key of a large mapping', () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `  k${i}: v`).join('\n');
    const src = parseYamlSource('f.yaml', `a:\n${keys}\nb: { c: 1 }\n`);
    expect(src.lineOf(['a', 'k0'])).toBe(2);
    expect(src.lineOf(['a', 'k4999'])).toBe(5001);
    expect(src.lineOf(['b', 'c'])).toBe(5002);
    // A key that is not there points at its mapping.
    expect(src.lineOf(['a', 'nope'])).toBe(1);
  });

  it('a colon with no space after it', () => {
    expect(errorOf('id: a\ncompetitor:Acme\nregion: east\n')).toBe('f.yaml:2:1: YAML syntax: "competitor:Acme" needs a space after the colon; write "competitor: Acme"');
    // A URL's colons are not that mistake.
    expect(errorOf('id: a\nurl: http://x:8080/y\n')).toBe('no error');
  });

  it('points an unclosed [ or { at where it opened', () => {
    expect(errorOf('id: a\nname: "[x"\nfields: [a, b\nregion: east\n')).toBe('f.yaml:3:9: YAML syntax: the [ opened here is never closed; add ] at the end of this line');
    expect(errorOf('id: a\nfetch: { url: "x", mode: http\nregion: east\n')).toBe('f.yaml:2:8: YAML syntax: the { opened here is never closed; add } at the end of this line');
  });

  it('a value with ": " in it, and a line indented under a field that already has its value', () => {
    expect(errorOf('id: a\nname: foo: bar\n')).toBe('f.yaml:2:7: YAML syntax: the value of "name" contains ": ", which YAML reads as another field; put the value in quotes: name: "foo: bar"');
    expect(errorOf('id: a\nfetch:\n  url: x\n   mode: http\n')).toBe(
      'f.yaml:4:4: YAML syntax: this line is indented deeper than "url: x" above it, which already has its value; start it in the same column as the fields around it',
    );
    // Not the comment line the parser stopped on: the line that is off.
    expect(errorOf('id: a\nfetch:\n    url: x\n  # c\n  mode: http\n')).toBe('f.yaml:5:3: YAML syntax: this line is indented differently from the fields around it; fields of one mapping start in the same column');
  });

  it('a selector starting with * or ! is text to the user, an alias or a tag to YAML', () => {
    // The library's own error here was "Unresolved alias (the anchor must be set before the alias): .product", with no line.
    expect(errorOf('id: a\nitems:\n  each: *.product # all\n')).toBe('f.yaml:3:9: YAML syntax: "*.product" is read as a reference to an anchor (YAML *name), not as text; a value starting with * needs quotes: "*.product"');
    expect(errorOf('id: a\nname: !important\n')).toBe('f.yaml:2:7: YAML syntax: "!important" is read as a YAML type tag, not as text; a value starting with ! needs quotes: "!important"');
    // Anchors and aliases that match, and YAML's own tags, still work.
    expect(errorOf('base: &b { url: x }\nfetch: *b\nid: !!str 5\n')).toBe('no error');
  });

  it('says which values need quotes', () => {
    expect(errorOf('key: @data-sku\n')).toMatch(/^f\.yaml:1:6: YAML syntax: this line cannot be read as YAML \("key: @data-sku"\); a value starting with @/);
  });
});
