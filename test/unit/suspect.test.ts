import { describe, expect, it } from 'vitest';
import { implausibleMove } from '../../src/kinds/suspect.js';

const P = { change_percent: 80, unit_factors: [10, 100, 1000, 10000] };

describe('implausibleMove', () => {
  it.each([
    [12000, 1.2, '÷10,000, which looks like a unit change'],
    [2000, 200000, '×100, which looks like a unit change'],
    [1999, 19.99, '÷100, which looks like a unit change'],
    [2000, 20100, '×10, which looks like a unit change'],
    [2000, 300, '-85 %, beyond the plausible ±80 %'],
    [2000, 3700, '+85 %, beyond the plausible ±80 %'],
  ])('%d → %d: %s', (a, b, why) => {
    expect(implausibleMove(a, b, P)).toBe(why);
  });

  it.each([
    [2000, 1700],
    [2000, 500.01],
    [2000, 3500],
    [2000, 2000],
    [0, 100],
  ])('%d → %d is plausible', (a, b) => {
    expect(implausibleMove(a, b, P)).toBeNull();
  });
});
