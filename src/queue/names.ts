/**
 * Names shared by the coordinator, the workers and `radar status`: queues by capability, job ids
 * by target and slot, and the few keys radar keeps in Redis beside BullMQ's.
 */
import type { Target } from '../config/target-schema.js';

/** BullMQ's key prefix, and the start of radar's own keys. */
export const PREFIX = 'radar';
/** Where workers hand their results back; only the leading coordinator reads it. */
export const RESULTS_QUEUE = 'results';

/** What a target needs from the worker that runs it. */
export interface Needs {
  browser: boolean;
  proxyGroup: string | null;
}

/** What a worker offers (`radar worker --browser --proxy-group east`). */
export interface Capabilities {
  browser: boolean;
  proxyGroups: readonly string[];
}

export function needsOf(target: Target): Needs {
  return { browser: target.fetch.mode === 'browser', proxyGroup: target.requires?.proxy_group ?? null };
}

/**
 * One queue per combination of needs: BullMQ workers take the next job of a queue, not the next
 * job they can do, so jobs are sorted into queues that every worker taking them can run.
 */
export function queueName(n: Needs): string {
  return `scrape${n.browser ? '+browser' : ''}${n.proxyGroup ? `+proxy=${n.proxyGroup}` : ''}`;
}

/** Every queue a worker takes from: the plain one, and those its browser and proxy groups allow. */
export function queuesFor(caps: Capabilities): string[] {
  const out: string[] = [];
  for (const browser of caps.browser ? [false, true] : [false]) {
    for (const proxyGroup of [null, ...caps.proxyGroups]) out.push(queueName({ browser, proxyGroup }));
  }
  return out;
}

/**
 * A target's run for one scheduled slot: the same id from any coordinator, so BullMQ adds it once
 * however often it is asked (a takeover, a catch-up after an outage). BullMQ ids may not hold ':'.
 */
export function jobIdFor(targetId: string, slot: Date): string {
  return `${targetId}@${slot.toISOString().replaceAll(':', '')}`;
}

/** The target id of a job id. */
export function targetOfJob(jobId: string): string {
  return jobId.slice(0, jobId.lastIndexOf('@'));
}

export const keys = {
  /** The leading coordinator's lease (its token, with an expiry it keeps renewing). */
  leader: `${PREFIX}:x:leader`,
  /** Who leads, for `radar status`: host, pid, since. */
  leaderInfo: `${PREFIX}:x:leader-info`,
  /** Worker id → JSON heartbeat (host, capabilities, current jobs). */
  workers: `${PREFIX}:x:workers`,
  /** Names of the scrape queues the coordinator has used, for `radar status`. */
  queues: `${PREFIX}:x:queues`,
  /** "Run now" / "retry" from a standby coordinator's console, for the leader (a list of JSON requests). */
  requests: `${PREFIX}:x:requests`,
  /** A worker's items for one job, in chunks (a list of JSON arrays). */
  items: (jobId: string, token: string) => `${PREFIX}:x:items:${jobId}:${token}`,
  /** Per-host politeness shared by every worker. */
  host: (host: string) => ({
    slots: `${PREFIX}:x:host:${host}:slots`,
    next: `${PREFIX}:x:host:${host}:next`,
    hold: `${PREFIX}:x:host:${host}:hold`,
    gap: `${PREFIX}:x:host:${host}:gap`,
  }),
};
