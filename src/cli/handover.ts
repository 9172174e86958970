import { displayPath } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { writeOutboxRequest, type OutboxRequest } from '../schedule/daemon.js';
import { liveHolder } from '../schedule/lock.js';
import { out, plural } from './common.js';

/** While the daemon owns the outbox, changes go to it as a request plus SIGUSR2. False: no daemon, do it here. `what`: one of the things ("message"). */
export function handOver(stateDir: string, req: OutboxRequest, what: string): boolean {
  const holder = liveHolder(stateDir);
  if (!holder || holder.command !== 'daemon') return false;
  writeOutboxRequest(stateDir, req);
  try {
    process.kill(holder.pid, 'SIGUSR2');
  } catch {
    throw new RadarError('usage', `radar daemon (pid ${holder.pid}) could not be signalled; the request waits in ${displayPath(stateDir)}/requests/ for its next delivery round`);
  }
  out(`handed to radar daemon (pid ${holder.pid}): ${req.action} ${plural(req.ids.length, what)}; its log shows the outcome`);
  return true;
}
