import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION = readVersion();
/** A real User-Agent that names the product and where to learn about it, so site owners can reach us. */
export const USER_AGENT = `sales-radar/${VERSION} (+https://github.com/sales-radar/sales-radar; price monitor; respects robots.txt)`;
