/**
 * Keys whose values are secrets wherever they appear (vCenter/OpenStack passwords, Keystone tokens, Nova's
 * adminPass, JWTs). Tool output passes through here so that nothing a provider returns can leak one.
 */
const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|api[-_]?key|private[-_]?key/i;

/** Keys that look like secrets by name but only say where one lives or what it is called. */
const SAFE_KEYS = new Set(['passwordEnv', 'progressToken', 'tokenExpiresAt']);

export const REDACTED = '[redacted]';

/** A deep copy of `value` with every secret-named property replaced; cycles and odd values are tolerated. */
export function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  if (value instanceof Map) return redactSecrets(Object.fromEntries(value), seen);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) && !SAFE_KEYS.has(key) && v !== null ? REDACTED : redactSecrets(v, seen);
  }
  return out;
}
