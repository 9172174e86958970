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

  it('says which values need quotes', () => {
    expect(errorOf('key: @data-sku\n')).toMatch(/^f\.yaml:1:6: YAML syntax: this line cannot be read as YAML \("key: @data-sku"\); a value starting with @/);
  });
});
