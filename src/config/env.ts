import { RadarError } from '../core/errors.js';

/**
 * `${NAME}` and `${NAME:-default}` in config values come from the environment, so secrets
 * (cookies, tokens, proxy credentials) never have to be written into a YAML file.
 */
export function interpolateEnv(value: string, env: NodeJS.ProcessEnv = process.env, where?: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new RadarError('config', `environment variable ${name} is not set`, where ? { where } : {});
  });
}

/** Names of the env vars a value refers to, so we can tell secrets apart from plain text when printing. */
export function envRefs(value: string): string[] {
  return [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
}

const SECRET_NAME = /TOKEN|KEY|SECRET|PASS|COOKIE|SESSION|AUTH|PROXY|CRED/i;

/**
 * Values of the env vars a target refers to in places that hold secrets (headers, cookies,
 * proxy, or a URL variable with a secret-sounding name). Anything printed about the target
 * has these replaced by `${NAME}`.
 */
export function secretValues(sources: { value: string; alwaysSecret: boolean }[], env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const out = new Map<string, string>();
  for (const { value, alwaysSecret } of sources) {
    for (const name of envRefs(value)) {
      const v = env[name];
      if (v && v.length >= 4 && (alwaysSecret || SECRET_NAME.test(name))) out.set(v, `\${${name}}`);
    }
  }
  return out;
}

export function redact(text: string, secrets: Map<string, string>): string {
  let s = text;
  for (const [value, placeholder] of secrets) s = s.split(value).join(placeholder);
  for (const [value, placeholder] of secrets) {
    const enc = encodeURIComponent(value);
    if (enc !== value) s = s.split(enc).join(placeholder);
  }
  return s;
}
