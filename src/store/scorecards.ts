/**
 * The monthly scorecards the console shows, kept beyond the outbox (see kept-alerts.ts): one card
 * per person and month (the alert id `scorecard:<person>:<month>`), the latest run's replacing an
 * earlier one. Only person cards are kept here, never a manager's team view.
 */
import { keptAlerts } from './kept-alerts.js';

export const scorecardStore = keptAlerts({
  file: 'scorecards.json',
  field: 'cards',
  keeps: (a) => a.topic === 'scorecard' && a.audience.kind === 'person',
});

