/**
 * The population steps of a scored week, for comms and CRM: a decline the whole peer group
 * shared is not a person's own (peerZ), where a person stands among peers (peerPct), and the
 * slow-decline CUSUM on z-scores with the group's shared decline removed week by week.
 * Peers: same role and region when there are enough of them, else same role, else everyone.
 *
 * Everyone's inputs are held in flat arrays rather than as each person's evidence objects: a
 * week of evidence for 5,000 people, held until the group medians are known, was most of the
 * scorer's memory. NaN marks "no value" (values and z-scores are otherwise finite: scale floors
 * are positive).
 */
import { cusumDownZ, median, percentileRankSorted } from './baseline.js';
import type { MetricEvidence } from './features.js';

export class PeerInputs {
  readonly value: Float64Array;
  readonly z: Float64Array;
  /** Each person's zSeries, `len` slots apiece (NaN: a week without a value). */
  readonly zs: Float64Array;
  /** 0 for people with too little reference data for a zSeries. */
  readonly hasZs: Uint8Array;

  constructor(
    readonly n: number,
    readonly len: number,
  ) {
    this.value = new Float64Array(n);
    this.z = new Float64Array(n);
    this.zs = new Float64Array(n * len);
    this.hasZs = new Uint8Array(n);
  }

  set(i: number, e: MetricEvidence): void {
    this.value[i] = e.value ?? Number.NaN;
    this.z[i] = e.z ?? Number.NaN;
    if (!e.zSeries) return;
    if (e.zSeries.length !== this.len) throw new Error(`zSeries of ${e.zSeries.length} weeks, expected ${this.len}`);
    this.hasZs[i] = 1;
    for (let t = 0; t < this.len; t++) this.zs[i * this.len + t] = e.zSeries[t] ?? Number.NaN;
  }
}

/** What the peer steps found for each person (NaN: nothing found), applied when that person is scored. */
export class PeerOutputs {
  readonly peerZ: Float64Array;
  readonly peerPct: Float64Array;
  readonly cusumS: Float64Array;
  readonly cusumRun: Float64Array;

  constructor(n: number) {
    this.peerZ = new Float64Array(n).fill(Number.NaN);
    this.peerPct = new Float64Array(n).fill(Number.NaN);
    this.cusumS = new Float64Array(n).fill(Number.NaN);
    this.cusumRun = new Float64Array(n).fill(Number.NaN);
  }

  applyTo(e: MetricEvidence, i: number): void {
    const pz = this.peerZ[i] as number;
    if (!Number.isNaN(pz)) {
      e.peerZ = pz;
      e.peerPct = this.peerPct[i] as number;
    }
    const s = this.cusumS[i] as number;
    if (!Number.isNaN(s)) e.cusum = { s, run: this.cusumRun[i] as number };
  }
}

function join(m: Map<string, number[]>, k: string, i: number): void {
  const list = m.get(k);
  if (list) list.push(i);
  else m.set(k, [i]);
}

/** The first of a person's groups (most specific first) with enough members. */
function firstBigEnough(m: Map<string, number[]>, keys: readonly string[], min: number): number[] | undefined {
  for (const k of keys) {
    const g = m.get(k);
    if (g !== undefined && g.length >= min) return g;
  }
  return undefined;
}

/** `groupKeys[i]`: person i's peer groups, most specific first. */
export function peerStep(inp: PeerInputs, groupKeys: readonly (readonly string[])[], minPeers: number, cusumK: number): PeerOutputs {
  const { n, len } = inp;
  const out = new PeerOutputs(n);
  const has = (i: number): boolean => !Number.isNaN(inp.z[i] as number) && !Number.isNaN(inp.value[i] as number);

  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) if (has(i)) for (const k of groupKeys[i] ?? []) join(groups, k, i);
  // Each group's median and sorted values once, not once per member.
  const stats = new Map<number[], { medZ: number; values: Float64Array }>();
  for (let i = 0; i < n; i++) {
    if (!has(i)) continue;
    const g = firstBigEnough(groups, groupKeys[i] ?? [], minPeers);
    if (!g) continue;
    let st = stats.get(g);
    if (!st) {
      st = { medZ: median(g.map((j) => inp.z[j] as number)), values: Float64Array.from(g, (j) => inp.value[j] as number).sort() };
      stats.set(g, st);
    }
    // Only a shared decline is removed: one person's drop in a week everyone dropped is not theirs.
    out.peerZ[i] = Math.min(0, st.medZ);
    out.peerPct[i] = percentileRankSorted(inp.value[i] as number, st.values);
  }

  // The slow-decline CUSUM gets the same treatment week by week (a CRM outage, a slow season).
  const weekly = new Map<string, number[]>();
  for (let i = 0; i < n; i++) if (inp.hasZs[i]) for (const k of groupKeys[i] ?? []) join(weekly, k, i);
  const colMedians = new Map<number[], Float64Array>();
  const adjusted: (number | null)[] = new Array<number | null>(len);
  for (let i = 0; i < n; i++) {
    if (!inp.hasZs[i]) continue;
    const members = firstBigEnough(weekly, groupKeys[i] ?? [], minPeers);
    if (!members) continue;
    let meds = colMedians.get(members);
    if (!meds) {
      meds = new Float64Array(len);
      for (let t = 0; t < len; t++) {
        const col: number[] = [];
        for (const j of members) {
          const v = inp.zs[j * len + t] as number;
          if (!Number.isNaN(v)) col.push(v);
        }
        meds[t] = col.length >= minPeers ? median(col) : Number.NaN;
      }
      colMedians.set(members, meds);
    }
    for (let t = 0; t < len; t++) {
      const z = inp.zs[i * len + t] as number;
      const med = meds[t] as number;
      adjusted[t] = Number.isNaN(z) ? null : Number.isNaN(med) ? z : z - Math.min(0, med);
    }
    const c = cusumDownZ(adjusted, cusumK);
    out.cusumS[i] = c.s;
    out.cusumRun[i] = c.run;
  }
  return out;
}
