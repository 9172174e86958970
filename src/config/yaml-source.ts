import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { RadarError } from '../core/errors.js';

/** A parsed YAML file that can still answer "which line is this field on?". */
export interface YamlSource {
  file: string;
  data: unknown;
  lineOf(path: readonly PropertyKey[]): number;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? 1;
    const msg = first.message.split('\n')[0] ?? 'invalid YAML';
    throw new RadarError('config', `invalid YAML: ${msg}`, { where: `${file}:${line}` });
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf: (path) => lineOfPath(doc, lineCounter, path),
  };
}

export function readYamlSource(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new RadarError('config', `cannot read file`, { where: file, cause });
  }
  return parseYamlSource(file, text);
}

/** Line of the deepest node on `path` that exists: a missing field points at its parent. */
function lineOfPath(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as { value?: unknown } | null;
        return k !== null && typeof k === 'object' && String(k.value) === String(seg);
      });
      if (!pair) break;
      const key = pair.key as { range?: [number] };
      offset = key.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as { range?: [number] } | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lc.linePos(offset).line;
}
