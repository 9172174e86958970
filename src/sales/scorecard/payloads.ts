/**
 * What the scorecard job hands to the outbox: plain JSON that renders on its own (names, raw
 * values, percentiles, bands), so a scorecard reads the same later whatever the rules say by then.
 */
import type { Band } from '../rulefile.js';
import type { Dimension } from './config.js';

export interface DimLine {
  id: Dimension;
  weight: number;
  value: number | null;
  peerMedian: number | null;
  score: number | null;
  band: Band | null;
}

export interface CourseLine {
  dim: Dimension | 'collection_cycle';
  zh: string;
  en: string;
  link?: string;
}

export interface ScorecardPayload {
  name: string;
  employeeId: string;
  month: string;
  /** The person's team and manager (org export), so the console shows a card to that manager only. */
  team?: string;
  managerEmail?: string;
  /** What the peers are (the role, team or region's name) and how many were scored. */
  peerGroup: string;
  peers: number;
  score: number | null;
  band: Band | null;
  /** Rank by score among the peers, 1 = best. */
  rank: number | null;
  prevScore: number | null;
  peerMedianScore: number | null;
  dims: DimLine[];
  cycleDays: number | null;
  peerCycleDays: number | null;
  courses: CourseLine[];
  bands: { green: number; yellow: number };
  explain: string;
}

export interface TeamRow {
  name: string;
  score: number | null;
  band: Band | null;
  delta: number | null;
  margin: number;
  dims: { score: number | null; band: Band | null }[];
}

export interface ScorecardTeamPayload {
  managerEmail: string;
  month: string;
  dims: { id: Dimension; weight: number }[];
  rows: TeamRow[];
  mostImproved: { name: string; delta: number }[];
  topMargin: { name: string; margin: number }[];
  bands: { green: number; yellow: number };
  explain: string;
}
