import type { RunEvent } from '../pipeline/run.js';
import { plural } from './common.js';

export interface Progress {
  onEvent(e: RunEvent): void;
  finish(): void;
}

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/**
 * Progress of an interactive `radar run` on stderr (stdout keeps the results): one status line
 * redrawn in place on a terminal; on a pipe or in CI, a plain line as each target finishes.
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stderr, tty = Boolean(stream.isTTY)): Progress {
  let total = 0;
  let done = 0;
  let failed = 0;
  let pages = 0;
  let items = 0;
  const running: string[] = [];
  let frame = 0;
  let timer: NodeJS.Timeout | null = null;
  let drawn = false;

  const counts = () => `${done}/${plural(total, 'target')}${failed ? ` · ${failed} failed` : ''} · ${plural(pages, 'page')} · ${plural(items, 'item')}`;
  const draw = () => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    let line = `${SPINNER[frame++ % SPINNER.length]} ${counts()}${running.length ? ` · ${running.join(', ')}` : ''}`;
    if ([...line].length > width) line = `${[...line].slice(0, width - 1).join('')}…`;
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };

  return {
    onEvent(e) {
      switch (e.type) {
        case 'run-start':
          total = e.targets.length;
          if (tty && total > 0) {
            draw();
            timer = setInterval(draw, 100);
            timer.unref();
          }
          break;
        case 'target-start':
          running.push(e.target.id);
          break;
        case 'page':
          pages++;
          items += e.page.items;
          break;
        case 'target-done': {
          done++;
          if (e.result.verdict === 'failed') failed++;
          const i = running.indexOf(e.result.target.id);
          if (i >= 0) running.splice(i, 1);
          if (!tty) stream.write(`radar: ${counts()} (${e.result.target.id} ${e.result.verdict === 'good' ? 'ok' : 'failed'})\n`);
          break;
        }
      }
    },
    finish() {
      if (timer) clearInterval(timer);
      timer = null;
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
