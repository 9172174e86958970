/**
 * What the console's team page (/team, /api/teams, /api/coaching) shows, kept beyond the outbox
 * (see kept-alerts.ts): each manager's weekly team digest (`team:<manager>:<week>`, the heat map)
 * and the coaching prompts sent to managers (`coaching:<person>:<week>`). Only those two topics,
 * addressed to a manager: the health job never reads attrition, and nothing here is HR's.
 */
import { keptAlerts } from './kept-alerts.js';

export const teamHealthStore = keptAlerts({
  file: 'team-health.json',
  field: 'alerts',
  keeps: (a) => (a.topic === 'team' || a.topic === 'coaching') && a.audience.kind === 'manager',
});
