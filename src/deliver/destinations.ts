import type { Alert } from '../alerts/model.js';
import { mayReceive, recipientsFor, type Locale, type Recipient } from '../alerts/route.js';
import type { OwnersRules } from '../config/rules-schema.js';
import type { StoredAlert } from '../store/outbox.js';
import { CHAT_INSTEAD_OF_EMAIL_TOPICS, HR_ONLY_TOPICS, subscription, type SubscriptionInput } from '../config/channels-schema.js';
import type { Destination } from './channels/types.js';

/**
 * Audience → where it is read: the recipients' email addresses (alerts/route.ts), plus the chat
 * channels rules/owners.yaml names for that group (`regions.<id>.channels`, `ops_channels`,
 * `hr_channels`) and for each person (`people.<email>.channels`), filtered by each subscription's
 * topics and `urgent_only`, and by the topic's own choice of channels (`topics:`).
 */
export function destinationsFor(alert: StoredAlert, owners: OwnersRules): Destination[] {
  const allowed = owners.topics[alert.topic];
  const out = new Map<string, Destination>();
  const recipients = recipientsFor(alert as Alert, owners);
  if (!allowed || allowed.includes('email')) {
    for (const r of recipients) out.set(r.email, { key: r.email, type: 'email', locale: r.locale, role: r.role });
  }
  const add = (subs: SubscriptionInput[], locale: Locale, role: Recipient['role']) => {
    for (const raw of subs) {
      const s = subscription(raw);
      const def = owners.channels[s.channel];
      if (!def || out.has(s.channel)) continue;
      if (s.topics && !s.topics.includes(alert.topic)) continue;
      if (s.urgent_only && alert.window !== 'immediate') continue;
      if (allowed && !allowed.includes(s.channel)) continue;
      out.set(s.channel, { key: s.channel, type: def.type, locale: def.locale ?? locale, role, def });
    }
  };
  const a = alert.audience;
  if (a.kind === 'hr') add(owners.hr_channels, owners.locale, 'hr');
  else if (a.kind === 'ops') add(owners.ops_channels, owners.locale, 'ops');
  else if (a.kind === 'region') {
    const region = owners.regions[a.region];
    // A region nobody owns goes to sales ops (recipientsFor), and so to their channels. An alert for
    // some of the owners only (the 比价 table at each owner's cadence) goes to their own channels, not the group's.
    if (region) {
      if (!a.owners) add(region.channels, region.locale ?? owners.locale, 'region');
    }
    else add(owners.ops_channels, owners.locale, 'ops');
  }
  for (const r of recipients) add(owners.people[r.email]?.channels ?? [], r.locale, r.role);
  // A person's own to-do list goes to their own chat where they have one, not to both.
  if (a.kind === 'person' && CHAT_INSTEAD_OF_EMAIL_TOPICS.has(alert.topic) && [...out.values()].some((d) => d.type !== 'email')) out.delete(a.email);
  return [...out.values()];
}

/** HR data: an HR-only topic, or anything addressed to HR. */
export function isHrAlert(alert: Pick<Alert, 'topic' | 'audience'>): boolean {
  return HR_ONLY_TOPICS.has(alert.topic) || alert.audience.kind === 'hr';
}

/**
 * Last line of defence, whatever the config says: HR data goes by email only to the HR list,
 * and to a chat channel only if it is marked hr_private.
 */
export function mayDeliver(alert: StoredAlert, d: Destination, owners: OwnersRules): boolean {
  if (d.type === 'email') return mayReceive(alert as Alert, { email: d.key, locale: d.locale, role: d.role }, owners);
  if (!isHrAlert(alert)) return true;
  return d.def?.hr_private === true && d.role === 'hr';
}
