/**
 * JSON.stringify(value), byte for byte, as a series of pieces: plain objects and arrays down to
 * `depth` levels are written member by member, anything deeper in one piece (the default reaches
 * one person's weeks in signals/store.json: sources > file > aggregate > weeks > person). Large
 * state files are written this way: the store of a 1 M-row export is ~10 MB of JSON, a 100 k-item
 * snapshot ~35 MB; as one string (two bytes a character once any name is Chinese) plus its UTF-8
 * copy that is three times as much memory at the end of a run that still holds everything else.
 */
export function* jsonPieces(value: unknown, depth = 5, key = ''): Generator<string> {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  if (depth <= 0 || v === null || typeof v !== 'object') {
    const text = JSON.stringify(v);
    // What JSON.stringify leaves out (undefined, functions, symbols): the caller decides.
    if (text !== undefined) yield text;
    return;
  }
  if (Array.isArray(v)) {
    yield '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) yield ',';
      const el: unknown = v[i];
      if (depth === 1 && typeof (el as { toJSON?: unknown } | null)?.toJSON !== 'function') {
        // The common leaf case (one snapshot item, one person's weeks) without a generator each.
        yield JSON.stringify(el) ?? 'null';
        continue;
      }
      let any = false;
      for (const p of jsonPieces(v[i], depth - 1, String(i))) {
        any = true;
        yield p;
      }
      if (!any) yield 'null';
    }
    yield ']';
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    yield JSON.stringify(v);
    return;
  }
  yield '{';
  let first = true;
  for (const k of Object.keys(v)) {
    const inner = jsonPieces((v as Record<string, unknown>)[k], depth - 1, k);
    const head = inner.next();
    if (head.done) continue;
    yield `${first ? '' : ','}${JSON.stringify(k)}:${head.value}`;
    first = false;
    yield* inner;
  }
  yield '}';
}
