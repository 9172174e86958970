import type { Recipient } from '../alerts/route.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { fill, type Strings } from './i18n.js';

/**
 * What each kind of digest says around its sections, in one place. The kind is who reads it (the
 * recipient's role): a regional head's competitor news, sales ops' broken scrapers, HR's attrition
 * review, a manager's team health, a salesperson's own card. Its footer says why the reader gets
 * it and whom to ask, so an HR or manager email never carries the competitor-data footer.
 *
 * A new digest (issue 20's attainment or scorecard, a mentions digest) reuses the type of its
 * reader, or adds one line here plus its `footer.<type>` strings in templates/i18n/<locale>.yaml.
 */
export type DigestType = Recipient['role'];

interface DigestTypeSettings {
  /** i18n key of the footer; placeholders: {ops} (sales ops' addresses), {regions} (the regions the digest covers). */
  footer: string;
  /** i18n key of the subject prefix ("[运营]", "[HR]"); region digests are prefixed with their regions instead. */
  prefix?: string;
}

export const DIGEST_TYPES: Record<DigestType, DigestTypeSettings> = {
  region: { footer: 'footer.region' },
  ops: { footer: 'footer.ops', prefix: 'prefix.ops' },
  hr: { footer: 'footer.hr', prefix: 'prefix.hr' },
  manager: { footer: 'footer.manager' },
  person: { footer: 'footer.person' },
};

/** The footer of a digest for this reader, in their language. */
export function digestFooter(type: DigestType, t: Strings, owners: OwnersRules, regions: string[]): string {
  const key = DIGEST_TYPES[type].footer;
  const ops = owners.ops.length ? owners.ops.join(', ') : (t['footer.no_ops'] ?? 'your sales ops team');
  return fill(t[key] ?? t['footer'] ?? '', { ops, regions: regions.join(t['footer.joiner'] ?? ', ') });
}
