/**
 * What the follow-up jobs hand to the outbox: plain JSON that renders on its own (names, wall-clock
 * times as text), so a reminder reads the same later whatever rules/followup.yaml says by then.
 */
import type { FunnelStage, ItemRule } from './rules.js';

export interface ReminderItem {
  rule: ItemRule;
  status: 'overdue' | 'due';
  customer: string;
  opportunity?: string;
  title?: string;
  stage?: string;
  /** "YYYY-MM-DD HH:MM", wall clock in the configured zone. */
  since: string;
  due: string;
  days?: number;
  limit?: number;
  missing?: string[];
  /** The opportunity (else the customer) in the CRM, from links: in rules/followup.yaml. */
  url?: string;
}

export interface ReminderPayload {
  name: string;
  employeeId: string;
  /** "YYYY-MM-DD HH:MM" the reminder was computed at. */
  asOf: string;
  feedbackHours: number;
  secondTouchDays: number;
  items: ReminderItem[];
  explain: string;
}

export interface RankingLine {
  name: string;
  feedbackDue: number;
  feedbackOnTime: number;
  secondDue: number;
  secondOnTime: number;
  rate: number | null;
  overdue: number;
}

export interface FollowupSummaryPayload {
  managerEmail: string;
  managerName?: string;
  week: string;
  asOf: string;
  windowDays: number;
  funnelDays: number;
  ranking: RankingLine[];
  funnel: FunnelStage[];
  explain: string;
}
