// radar validate on one large target file: a valid price target whose `fields:` mapping has
// thousands of entries, the shape on which the yaml library's own duplicate-key check compares
// every key with every other (a 10 MB file took minutes, and the daemon's reload with it).
//   --mb N     size of the file (a file over the 1 MB cap is refused unread: the row times that)
//   --broken   every extra field's selector is invalid: a problem on every line, each with its line
// Runs the compiled CLI's main() in this process, so CPU and RSS are validate's alone.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, report, window } from '../lib/child.js';

const a = args();
const bytes = Math.round(Number(a.mb) * 1024 * 1024);
const mainJs = join(a.dist, 'cli', 'main.js');
if (!existsSync(mainJs)) {
  report(a.out, { notBuilt: 'radar validate is not in this build' });
  process.exit(0);
}

const home = mkdtempSync(join(a.dir, 'validate-'));
mkdirSync(join(home, 'scrapers'));
mkdirSync(join(home, 'rules'));
writeFileSync(join(home, 'rules', 'owners.yaml'), 'regions:\n  east: { name: 华东, owners: [east@example.com] }\nops: [ops@example.com]\n');
const head = 'id: big\ncompetitor: Acme\nregion: east\nschedule: "0 8 * * *"\nfetch:\n  url: "http://127.0.0.1:9/list"\nitems:\n  each: ".product"\n  fields:\n    name: ".title"\n    price: ".price"\n';
const lines = [head];
let size = head.length;
for (let i = 0; size < bytes; i++) {
  const l = a.broken ? `    extra_${i}: "li.x${i}["\n` : `    extra_${i}: ".x${i}"\n`;
  lines.push(l);
  size += l.length;
}
writeFileSync(join(home, 'scrapers', 'big.yaml'), lines.join(''));

const { main } = await import(pathToFileURL(mainJs).href);
const done = window();
const code = await main(['--home', home, 'validate']);
const w = done();
rmSync(home, { recursive: true, force: true });
// 0: the file is valid; 2: refused (over the cap) or, with --broken, its problems listed. Anything else is a failure.
if (code !== (a.broken || bytes > 1024 * 1024 ? 2 : 0)) {
  console.error(`radar validate exited ${code}`);
  process.exit(1);
}
// items: the entries of fields: (name, price and the extra ones).
report(a.out, { ...w, fileBytes: size, items: lines.length - 1 + 2, refused: code === 2 && !a.broken, broken: Boolean(a.broken) });
