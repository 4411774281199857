const REDACTED = '[REDACTED]';

/** Keys whose values are secrets wherever they appear (headers, config, error details, job data). */
const SECRET_KEY =
  /pass(word|wd|phrase)?$|^pw$|token|authorization|cookie|secret|api[-_]?key|credential|private[-_]?key/i;

const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
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

/** A copy that is safe to log: secret keys masked, strings scrubbed, errors flattened, depth bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (depth >= MAX_DEPTH) return '[…]';
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
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
