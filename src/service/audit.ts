/**
 * The audit log of changes: every change to a target, a rule, a user, an acknowledgement or a
 * mute, who made it and through which face. One JSON object per line, appended whole (O_APPEND),
 * so the API, the console and the CLI can write it at once. Views of HR alerts are recorded in
 * HR's own log (signals/audit.jsonl), which only HR reads.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireAction, type Principal } from './access.js';
import { consoleDir, type ServiceContext } from './context.js';

export interface AuditEntry {
  at: string;
  by: string;
  role: string;
  via: string;
  /** target.create, target.update, target.delete, target.pause, target.resume, target.run, user.create, rules.update, alert.ack, mute.add ... */
  action: string;
  /** What it was done to: a target id, a user name, a rule file, an alert id. */
  subject: string;
  detail?: Record<string, unknown>;
}

export function auditFile(stateDir: string): string {
  return join(consoleDir(stateDir), 'audit.jsonl');
}

export function recordChange(ctx: ServiceContext, who: Principal, action: string, subject: string, detail?: Record<string, unknown>): void {
  const e: AuditEntry = { at: ctx.now().toISOString(), by: who.user, role: who.role, via: who.via, action, subject, ...(detail ? { detail } : {}) };
  mkdirSync(consoleDir(ctx.paths.stateDir), { recursive: true });
  appendFileSync(auditFile(ctx.paths.stateDir), JSON.stringify(e) + '\n', { mode: 0o600 });
}

export function readChanges(ctx: ServiceContext, who: Principal | null, opts: { limit?: number; subject?: string } = {}): AuditEntry[] {
  requireAction(who, 'audit.read');
  let text = '';
  try {
    text = readFileSync(auditFile(ctx.paths.stateDir), 'utf8');
  } catch {
    return [];
  }
  const all: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      all.push(JSON.parse(line) as AuditEntry);
    } catch {
      /* a line cut by a crash */
    }
  }
  const hits = opts.subject ? all.filter((e) => e.subject === opts.subject) : all;
  return hits.reverse().slice(0, opts.limit ?? 200);
}
