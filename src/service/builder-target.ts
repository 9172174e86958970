/** The target the builder renders a page with, before there is a file: shared by the item picker and the step recorder. */
import { targetSchema, type Target } from '../config/target-schema.js';
import { RadarError } from '../core/errors.js';

/** A target with only a URL: what rendering the page needs, nothing that would be stored. */
export function scratchTarget(url: string): Target {
  try {
    new URL(url);
  } catch {
    throw new RadarError('invalid', `"${url}" is not a URL (give the whole address, with http:// or https://)`, { field: 'url' });
  }
  return { ...targetSchema.parse({ id: 'builder', competitor: 'builder', region: 'builder', fetch: { url, mode: 'browser' } }), file: '(builder)' };
}
