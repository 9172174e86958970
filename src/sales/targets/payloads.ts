/**
 * What the targets job hands to the outbox: plain JSON that renders on its own (names, amounts in
 * 元, bands), so a digest reads the same months later whatever rules/targets.yaml says by then.
 */
import type { Band } from '../rulefile.js';
import type { Level } from './attainment.js';

export interface UnitLine {
  key: string;
  level: Level;
  depth: number;
  name: string;
  annual: number | null;
  target: number | null;
  actual: number;
  ratio: number | null;
  band: Band | null;
  gap: number | null;
  contributors: { name: string; gap: number; share: number | null }[];
  /** The months with a target are the ones the sums compare. */
  forecast: { months: string[]; values: number[]; targets: (number | null)[]; sumForecast: number; sumTarget: number; below: boolean } | null;
  /** Red now, and not red when its head was last told. */
  turnedRed: boolean;
}

export interface AttainmentPayload {
  headEmail: string;
  headName?: string;
  fy: number;
  period: 'ytd' | 'qtd' | 'mtd';
  from: string;
  asOf: string;
  week: string;
  bands: { green: number; yellow: number };
  units: UnitLine[];
  /** Bars of the gap chart: the units one level below the head's own. */
  chart: { name: string; ratio: number | null; band: Band | null; gap: number | null }[];
  notes: string[];
  /** The command that lists the rows behind these numbers. */
  explain: string;
}

export interface AttainmentAlertPayload {
  kind: 'red' | 'forecast';
  headEmail: string;
  unit: UnitLine;
  asOf: string;
  fy: number;
  bands: { green: number; yellow: number };
  explain: string;
}
