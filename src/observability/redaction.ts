export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets wherever they appear (headers, config, error details, job data). */
const SECRET_KEY =
  /pass(word|wd|phrase)?$|^pw$|token|authorization|cookie|secret|api[-_]?key|credential|private[-_]?key/i;

/** Keys that look like secrets by name but only say where one lives or when it expires. */
const SAFE_KEYS = new Set(['passwordEnv', 'progressToken', 'tokenExpiresAt']);

const LOG_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !SAFE_KEYS.has(key);
}

/**
 * Secrets inside free text: bearer tokens, credentials in URLs (redis://:pw@host, https://user:pw@host),
 * `password=...`-style pairs and session cookies.
 */
export function redactText(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/gi, `$1$2:${REDACTED}@`)
    .replace(
      /\b(password|passwd|pwd|token|secret|api[-_]?key|vmware_soap_session|cookie)(["']?\s*[=:]\s*["']?)[^\s&"',;}]+/gi,
      `$1$2${REDACTED}`,
    );
}

/**
 * A copy that is safe to log or hand to a client: secret keys masked, strings scrubbed, errors flattened, cycles
 * cut, depth bounded (logs keep 8 levels; tool output passes a larger bound).
 */
export function redact(value: unknown, maxDepth = LOG_DEPTH): unknown {
  return redactAt(value, 0, maxDepth, new WeakSet());
}

function redactAt(value: unknown, depth: number, maxDepth: number, seen: WeakSet<object>): unknown {
  const redact = (v: unknown, d: number): unknown => redactAt(v, d, maxDepth, seen);
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (depth >= maxDepth) return '[…]';
  // Only the ancestors are tracked: an object that appears twice side by side is not a cycle.
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  try {
    return redactObject(value, depth, redact);
  } finally {
    seen.delete(value);
  }
}

function redactObject(value: object, depth: number, redact: (v: unknown, d: number) => unknown): unknown {
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; details?: unknown; retryable?: unknown };
    return redact(
      {
        name: e.name,
        message: e.message,
        ...(e.code !== undefined ? { code: e.code } : {}),
        ...(e.details !== undefined ? { details: e.details } : {}),
      },
      depth + 1,
    );
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Map) return redact(Object.fromEntries(value), depth);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
