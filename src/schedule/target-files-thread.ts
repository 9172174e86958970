/** Worker thread: checks every target file of a folder and posts the results (see target-files.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { checkFile, stampOf, targetFiles, toWire, type WireFile } from './target-files.js';

const { dir } = workerData as { dir: string };
const out: WireFile[] = [];
for (const file of targetFiles(dir)) {
  const stamp = stampOf(file);
  if (stamp !== null) out.push(toWire(file, checkFile(file, stamp)));
}
parentPort!.postMessage(out);
