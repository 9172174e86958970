/**
 * The demo's shops on 127.0.0.1, as `radar demo`, `radar serve --demo` and `radar daemon --demo`
 * start them: port 8765 when it is free (the port the bundled targets' README links show), else
 * any; RADAR_DEMO_URL points the bundled targets at it. With a WeCom outbox folder, the regional
 * WeCom groups of rules/owners.yaml post to the site's WeCom-compatible endpoint, never the network.
 */
import { join } from 'node:path';
import { demoExtensions } from './extensions.js';
import { DemoSite } from './site.js';
import { DemoWecom } from './wecom.js';

/** The demo's WeCom robots: key → group, and the env var rules/owners.yaml reads each robot's URL from. */
export const DEMO_ROBOTS: Record<string, string> = { 'demo-east-robot-key': 'east', 'demo-south-robot-key': 'south' };
export const DEMO_WECOM_ENV: Record<string, string> = { RADAR_WECOM_EAST_URL: 'east', RADAR_WECOM_SOUTH_URL: 'south' };

export const DEMO_PORT = 8765;

export interface DemoSiteOptions {
  /** The package folder (data/demo/ holds the catalog and the extensions' data). */
  root: string;
  /** Tried first; when taken, any free port. Default 8765. */
  port?: number;
  /** Where the demo WeCom endpoint writes what it receives; without it, no WeCom endpoint. */
  wecomDir?: string;
}

export interface RunningDemoSite {
  site: DemoSite;
  /** http://127.0.0.1:PORT, also in RADAR_DEMO_URL. */
  base: string;
  wecom: DemoWecom | null;
  stop(): Promise<void>;
}

export async function startDemoSite(o: DemoSiteOptions): Promise<RunningDemoSite> {
  const data = join(o.root, 'data', 'demo');
  const site = new DemoSite(join(data, 'catalog.json'));
  for (const extend of demoExtensions) extend(site, data);
  const wecom = o.wecomDir ? new DemoWecom(o.wecomDir, DEMO_ROBOTS) : null;
  wecom?.mount(site);
  let base: string;
  try {
    base = await site.start(o.port ?? DEMO_PORT);
  } catch {
    base = await site.start(0);
  }
  process.env.RADAR_DEMO_URL = base;
  if (wecom) for (const [name, robot] of Object.entries(DEMO_WECOM_ENV)) process.env[name] = wecom.url(base, robot);
  return { site, base, wecom, stop: () => site.stop() };
}
