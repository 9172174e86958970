import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

export interface StoredAlert extends Alert {
  recordedAt: string;
  /** recipient email → id of the message that carries this alert to them. */
  delivered: Record<string, string>;
}

export type MessageStatus = 'pending' | 'sent' | 'dead';

export interface OutboxMessage {
  /** Stable: derived from recipient + alert ids, so a rebuilt digest after a crash gets the same id. */
  id: string;
  to: string;
  locale: string;
  subject: string;
  html: string;
  text: string;
  alertIds: string[];
  createdAt: string;
  status: MessageStatus;
  attempts: number;
  lastError?: string;
  sentAt?: string;
  /** Where the .eml landed, in file delivery mode. */
  file?: string;
  /** Inline images (CID), base64. */
  attachments?: { cid: string; filename: string; contentType: string; base64: string }[];
}

export interface OutboxData {
  version: 1;
  alerts: Record<string, StoredAlert>;
  messages: Record<string, OutboxMessage>;
}

/**
 * The durable outbox: one JSON file replaced atomically on every change, so after a crash it
 * holds either the state before or after a step. Alerts are recorded here before anything is sent.
 */
export class Outbox {
  readonly file: string;
  data: OutboxData;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'outbox.json');
    this.data = readJsonFile<OutboxData>(this.file) ?? { version: 1, alerts: {}, messages: {} };
  }

  save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.data) + '\n');
  }

  /** Records new alerts; an id already present is the same alert and is not recorded twice. */
  record(alerts: readonly Alert[], now: Date): Alert[] {
    const added: Alert[] = [];
    for (const a of alerts) {
      if (this.data.alerts[a.id]) continue;
      this.data.alerts[a.id] = { ...a, recordedAt: now.toISOString(), delivered: {} };
      added.push(a);
    }
    if (added.length) this.save();
    return added;
  }

  pendingMessages(): OutboxMessage[] {
    return Object.values(this.data.messages).filter((m) => m.status === 'pending');
  }
}

export function messageId(to: string, alertIds: readonly string[]): string {
  const h = createHash('sha256').update(to).update('\0').update([...alertIds].sort().join('\n')).digest('hex');
  return h.slice(0, 24);
}
