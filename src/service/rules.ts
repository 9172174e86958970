/**
 * The rule files an admin edits from the console: who owns which region, ops and HR lists
 * (rules/owners.yaml), price thresholds and delivery windows. Saved only when they validate as
 * `radar validate` would (same file:line: field), and only over the version the editor opened.
 * The daemon reloads rules/ when a file changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { displayPath, validateSource } from '../config/load.js';
import { ownersSchema, priceRulesSchema } from '../config/rules-schema.js';
import { parseYamlSource } from '../config/yaml-source.js';
import { RadarError } from '../core/errors.js';
import { deliveryRulesSchema } from '../deliver/policy.js';
import { writeFileAtomic } from '../store/atomic.js';
import { notFound, requireAction, type Principal } from './access.js';
import { recordChange } from './audit.js';
import type { ServiceContext } from './context.js';
import { etagOf } from './targets.js';

const EDITABLE: Record<string, z.ZodType> = {
  'owners.yaml': ownersSchema,
  'price.yaml': priceRulesSchema,
  'delivery.yaml': deliveryRulesSchema,
};

export const editableRules = Object.keys(EDITABLE);

function fileOf(ctx: ServiceContext, name: string): { file: string; schema: z.ZodType } {
  const schema = EDITABLE[name];
  if (!schema) throw notFound(`editable rule file "${name}" (editable: ${editableRules.join(', ')})`);
  return { file: join(ctx.paths.rulesDir, name), schema };
}

export function getRuleFile(ctx: ServiceContext, who: Principal | null, name: string): { name: string; yaml: string; etag: string } {
  requireAction(who, 'rules.edit');
  const { file } = fileOf(ctx, name);
  const text = existsSync(file) ? readFileSync(file) : Buffer.from('');
  return { name, yaml: text.toString('utf8'), etag: etagOf(text) };
}

export function putRuleFile(ctx: ServiceContext, who: Principal | null, name: string, yaml: string, etag: string | null): { name: string; yaml: string; etag: string } {
  requireAction(who, 'rules.edit');
  const { file, schema } = fileOf(ctx, name);
  const current = existsSync(file) ? readFileSync(file) : Buffer.from('');
  if (etag === null) throw new RadarError('conflict', `send the version you edit (If-Match: ETag of rules/${name})`, { field: 'etag' });
  if (etag !== '*' && etag !== etagOf(current)) throw new RadarError('conflict', `rules/${name} was changed by someone else since you opened it; reload, then apply your change again`, { field: 'etag' });
  validateSource(parseYamlSource(displayPath(file), yaml), schema);
  const text = yaml.endsWith('\n') ? yaml : yaml + '\n';
  writeFileAtomic(file, text);
  recordChange(ctx, who, 'rules.update', `rules/${name}`, { from: etagOf(current), to: etagOf(text) });
  return { name, yaml: text, etag: etagOf(text) };
}
