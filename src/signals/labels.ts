/** Yes/no cells as HR exports write them: Yes/No, 1/0, true/false, 是/否, 离职/在职. */
const POSITIVE = new Set(['yes', 'y', '1', 'true', 't', '是', '离职', '已离职', 'left', 'leaver']);
const NEGATIVE = new Set(['no', 'n', '0', 'false', 'f', '否', '在职', 'stayed', 'active']);

export function parseLabel(v: string): 0 | 1 | null {
  const s = v.trim().toLowerCase();
  if (POSITIVE.has(s)) return 1;
  if (NEGATIVE.has(s)) return 0;
  return null;
}
