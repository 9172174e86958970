import type { OwnersRules } from '../config/rules-schema.js';
import { HR_ONLY_TOPICS } from '../config/channels-schema.js';
import type { Alert } from './model.js';

export type Locale = 'zh-CN' | 'en';

export interface Recipient {
  email: string;
  locale: Locale;
  /** What this recipient is, so templates and audits can tell an HR partner from a region head. */
  role: 'region' | 'ops' | 'hr' | 'manager' | 'person';
}

/**
 * Audience → addresses. HR alerts resolve to the HR list and nothing else, whatever else is
 * configured; an alert for a region nobody owns goes to sales ops rather than being dropped.
 */
export function recipientsFor(alert: Alert, owners: OwnersRules): Recipient[] {
  const a = alert.audience;
  const dflt = owners.locale;
  switch (a.kind) {
    case 'hr':
      return owners.hr.map((email) => ({ email, locale: dflt, role: 'hr' }));
    case 'ops':
      return owners.ops.map((email) => ({ email, locale: dflt, role: 'ops' }));
    case 'region': {
      const r = owners.regions[a.region];
      if (!r) return owners.ops.map((email) => ({ email, locale: dflt, role: 'ops' }));
      const only = a.owners ? new Set(a.owners.map((e) => e.toLowerCase())) : null;
      return r.owners.filter((email) => !only || only.has(email.toLowerCase())).map((email) => ({ email, locale: r.locale ?? dflt, role: 'region' }));
    }
    case 'manager':
      return [{ email: a.email, locale: dflt, role: 'manager' }];
    case 'person':
      return [{ email: a.email, locale: dflt, role: 'person' }];
  }
}

export { HR_ONLY_TOPICS } from '../config/channels-schema.js';

/** Last line of defence: an HR-only alert addressed to anyone outside the HR list is refused. */
export function mayReceive(alert: Alert, r: Recipient, owners: OwnersRules): boolean {
  if (HR_ONLY_TOPICS.has(alert.topic)) return r.role === 'hr' && owners.hr.includes(r.email);
  return true;
}
