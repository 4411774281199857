/** The signed-in user: a pasted JWT, its roles read from the claims, kept for this tab in sessionStorage. */
export const ROLES = ['analyst', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  token: string;
  subject: string;
  role: Role;
  /** agent or admin: may press the buttons that change something. */
  canMutate: boolean;
  expiresAt: number | null;
}

const KEY = 'ffo-monitor.token';

function decodePart(part: string): Record<string, unknown> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const utf8 = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  return JSON.parse(utf8) as Record<string, unknown>;
}

/**
 * Reads the claims without verifying them: the server verifies every request, the page only needs the role to
 * decide which buttons to offer.
 */
export function sessionFromToken(raw: string): Session {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('this is not a JWT (expected three dot-separated parts)');
  let claims: Record<string, unknown>;
  try {
    claims = decodePart(parts[1]!);
  } catch {
    throw new Error('the token payload is not readable JSON');
  }
  const roles = (Array.isArray(claims.roles) ? claims.roles : []).filter((r): r is Role =>
    ROLES.includes(r as Role),
  );
  if (roles.length === 0) throw new Error(`the token grants none of the roles ${ROLES.join(', ')}`);
  const role = ROLES[Math.max(...roles.map((r) => ROLES.indexOf(r)))]!;
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  if (expiresAt !== null && expiresAt < Date.now()) throw new Error('the token has expired');
  return {
    token,
    subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
    role,
    canMutate: role !== 'analyst',
    expiresAt,
  };
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  try {
    return sessionFromToken(token);
  } catch {
    sessionStorage.removeItem(KEY);
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
