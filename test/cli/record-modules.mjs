// Preload for a child process (after `--import tsx`): records every module the process loaded —
// ES modules through a loader hook, CommonJS ones from require.cache — and writes the list to
// $RECORD_MODULES_TO when the process exits.
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const urls = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => urls.push(url));
port1.unref();
register('./record-modules-hook.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => writeFileSync(process.env.RECORD_MODULES_TO, [...urls, ...Object.keys(cache)].join('\n') + '\n'));
