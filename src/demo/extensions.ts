import type { DemoSite } from './site.js';
import { mountTenders } from './tenders.js';
import { mountCareers } from './careers.js';
import { mountMentions } from './mentions.js';

/** Each extension mounts its pages on the demo site (one file per extension, one line here). */
export type DemoExtension = (site: DemoSite, dataDir: string) => void;

export const demoExtensions: DemoExtension[] = [mountTenders, mountCareers, mountMentions];
