import type { OwnersRules } from '../config/rules-schema.js';
import type { OutboxMessage, StoredAlert } from '../store/outbox.js';

export interface DeliveredEvent {
  msg: OutboxMessage;
  /** The alerts that message carried. */
  alerts: StoredAlert[];
  stateDir: string;
  owners: OwnersRules;
  at: Date;
}

/** Something that must happen once a message was accepted (an audit record ...). One line each below. */
export type DeliveryObserver = (e: DeliveredEvent) => Promise<void> | void;

/** HR's audit trail: who received which person's attrition score, and when. */
const attritionAudit: DeliveryObserver = async (e) => {
  for (const a of e.alerts) {
    if (a.topic !== 'attrition') continue;
    // Loaded here: the signals code is only needed once an attrition digest went out.
    const { recordDelivery } = await import('../signals/alerts.js');
    await recordDelivery(e.stateDir, { alertId: a.id, recipients: [e.msg.to], at: e.at, hr: e.owners.hr });
  }
};

export const deliveryObservers: DeliveryObserver[] = [attritionAudit];

export async function notifyDelivered(e: DeliveredEvent): Promise<void> {
  for (const o of deliveryObservers) await o(e);
}
