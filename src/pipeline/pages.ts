/**
 * Is a page whole? A page can come back with status 200 and every byte the server meant to send,
 * and still be a fragment: the HTML stops half way (an upstream timeout behind a proxy), one
 * page of a listing holds a third of its siblings' items, or the site ignores `?page=` and sends
 * page 1 three times. Read as a listing, each turns into "removed" items on the next run and
 * "new" ones on recovery. These checks fail such a page (and so the run) before it counts.
 */
import type { Failure } from '../core/verdict.js';
import type { PageProfile } from '../store/snapshot.js';

export type { PageProfile };

/** A page smaller than this share of the same page in the last good run was cut off. */
const MIN_SIZE_SHARE = 0.4;
/** Pages this small carry too little to compare sizes (an API's tiny JSON, an almost empty list). */
const MIN_COMPARABLE_BYTES = 2048;
/** A page (not the last) with fewer than this share of its fullest sibling's items was cut off. */
const MIN_SIBLING_SHARE = 0.5;
/** A page whose items were seen on earlier pages at this share repeats an earlier page. */
const REPEAT_SHARE = 0.8;

/**
 * Does an HTML document end? null when it cannot be told (JSON, plain text, a browser's
 * serialisation, which always closes). Looks for the closing tag in the last 32 KB: trailing
 * scripts after `</html>` are common, an early `</body>` in a script string is not.
 */
export function documentCloses(text: string): boolean | null {
  const start = text.slice(0, 512).trimStart().toLowerCase();
  if (!start.startsWith('<!doctype html') && !start.startsWith('<html') && !/^<\?xml[^>]*>\s*<!doctype html/.test(start)) return null;
  return /<\/(html|body)\s*>/i.test(text.slice(-32_768));
}

export interface PageSeen {
  /** 0-based, in page order. */
  index: number;
  url: string;
  bytes: number;
  closes: boolean | null;
}

const kb = (n: number) => (n >= 10_240 ? `${Math.round(n / 1024)} KB` : `${(n / 1024).toFixed(1)} KB`);
const nth = (i: number, of: number | null) => (of && of > 1 ? `page ${i + 1} of ${of}` : of === 1 ? 'the page' : `page ${i + 1}`);

/**
 * A page cut off mid-document, or much shorter than the same page in the last good run.
 * `accepting` (radar accept) takes a smaller page as the new normal; an unclosed one never.
 */
export function cutOff(page: PageSeen, of: number | null, profile: PageProfile | null, accepting: boolean, targetId = 'TARGET'): Failure | null {
  if (page.closes === false && (profile === null || profile.closed)) {
    return {
      class: 'truncated',
      message: `${nth(page.index, of)} stops mid-document after ${kb(page.bytes)} (no </html>): the site or a proxy cut it off${profile === null ? '; if this site never closes its pages, set fetch.check_complete: false' : ''}`,
      url: page.url,
    };
  }
  const usual = profile?.bytes[page.index];
  if (!accepting && usual !== undefined && usual >= MIN_COMPARABLE_BYTES && page.bytes < usual * MIN_SIZE_SHARE) {
    return {
      class: 'truncated',
      message: `${nth(page.index, of)} is ${kb(page.bytes)}, the last good run's was ${kb(usual)}: most likely cut off; if the shop really shrank, run: radar accept ${targetId}`,
      url: page.url,
    };
  }
  return null;
}

/**
 * A listing page (not the last) with far fewer items than its fullest sibling: full pages come
 * first, so only the last page may be short.
 */
export function shortSibling(counts: readonly number[], urls: readonly string[]): Failure | null {
  if (counts.length < 2) return null;
  for (let i = 0; i < counts.length - 1; i++) {
    const others = counts.filter((_c, j) => j !== i);
    const fullest = Math.max(...others);
    if (fullest >= 4 && counts[i]! < fullest * MIN_SIBLING_SHARE) {
      return {
        class: 'truncated',
        message: `page ${i + 1} of ${counts.length} lists ${counts[i]} items where another lists ${fullest}: it was most likely cut off`,
        url: urls[i]!,
      };
    }
  }
  return null;
}

/** Keys seen on earlier pages of a run, to recognise a page that repeats one. */
export class PageKeys {
  private readonly firstPage = new Map<string, number>();
  duplicates = 0;

  /** A failure when `keys` (page `index`) mostly repeat earlier pages; otherwise remembers them and returns which are new. */
  add(index: number, url: string, keys: readonly string[], paramHint: string): { failure: Failure } | { fresh: Set<string> } {
    const repeated = keys.filter((k) => this.firstPage.has(k));
    if (keys.length >= 2 && repeated.length >= keys.length * REPEAT_SHARE) {
      const from = this.firstPage.get(repeated[0]!)!;
      return {
        failure: {
          class: 'pagination',
          message: `page ${index + 1} repeats page ${from + 1} (${repeated.length} of its ${keys.length} items were already there): the site ignores ${paramHint}; check the pagination settings with radar try`,
          url,
        },
      };
    }
    const fresh = new Set<string>();
    for (const k of keys) {
      if (this.firstPage.has(k) || fresh.has(k)) {
        this.duplicates++;
        continue;
      }
      fresh.add(k);
      this.firstPage.set(k, index);
    }
    return { fresh };
  }
}
