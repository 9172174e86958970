import { describe, expect, it } from 'vitest';
import { compareRulesSchema } from '../../src/compare/config.js';
import { tableRecipients } from '../../src/compare/table.js';

const table = (t: object) => compareRulesSchema.parse({ table: t }).table;
const owners = ['head@example.com', 'Deputy@Example.com', 'weekly@example.com', 'quiet@example.com'];

describe('who gets the 比价 table today', () => {
  const rules = table({ send: 'daily', weekday: 3, owners: { 'deputy@example.com': 'alerts', 'weekly@example.com': 'weekly', 'quiet@example.com': 'off' } });

  it('on the weekly owner’s weekday: daily and weekly owners now, the alerts-only owner along with an alert, off nobody', () => {
    expect(tableRecipients(owners, rules, 3)).toEqual({ now: ['head@example.com', 'weekly@example.com'], withAlerts: ['Deputy@Example.com'] });
  });

  it('on another day the weekly owner waits', () => {
    expect(tableRecipients(owners, rules, 4)).toEqual({ now: ['head@example.com'], withAlerts: ['Deputy@Example.com'] });
  });

  it('send: off with one owner asking for it daily', () => {
    expect(tableRecipients(owners, table({ send: 'off', owners: { 'head@example.com': 'daily' } }), 1)).toEqual({ now: ['head@example.com'], withAlerts: [] });
  });
});
