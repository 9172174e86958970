import { queueView } from '../../service/queue.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, who, type Api } from './types.js';

export function registerQueue(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/queue', {
    config: { action: 'targets.run' },
    schema: {
      tags: ['queue'],
      summary: 'The job queue, as radar status shows it: { mode: embedded }, or in distributed mode its depth per queue, the leading coordinator and each worker with its current jobs (reachable: false with the error while Redis is down)',
      response: { 200: body('{ mode: embedded } | { mode: distributed, reachable: true, url, leader: { host, pid, since } | null, queues: [{ name, waiting, active, delayed, failed, completed }], workers: [{ id, host, pid, browser, proxyGroups, concurrency, current: [{ job, target, since, pages }], done, seenAt, stale }] } | { mode: distributed, reachable: false, url, error }'), ...authErrors },
    },
  }, async (req) => queueView(ctx, who(req)));
}
