import type { KindPlugin } from './types.js';
import { priceKind } from './price.js';
import { tenderKind } from './tender.js';
import { jobKind } from './job.js';
import { mentionKind } from './mention.js';

const kinds = new Map<string, KindPlugin>();

/** Adds a kind; a new kind is one file that calls this (or one line below). */
export function registerKind(kind: KindPlugin): void {
  kinds.set(kind.name, kind);
}

export function getKind(name: string): KindPlugin | undefined {
  return kinds.get(name);
}

export function kindNames(): string[] {
  return [...kinds.keys()];
}

export function allKinds(): KindPlugin[] {
  return [...kinds.values()];
}

registerKind(priceKind);
registerKind(tenderKind);
registerKind(jobKind);
registerKind(mentionKind);
