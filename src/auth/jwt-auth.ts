import { SignJWT, jwtVerify } from 'jose';
import { ErrorCode, FfoError } from '../errors/index.js';
import { ROLES, type Role, isRole } from './roles.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export interface Principal {
  subject: string;
  roles: Role[];
  /** The verified claims, passed on to @neo4j/graphql as `jwt`. */
  claims: Record<string, unknown>;
}

const ISSUER = 'ffo-twin';
const verified = new VerifiedTokenCache<Principal>();
const encode = (secret: string): Uint8Array => new TextEncoder().encode(secret);

export const DEV_PRINCIPAL: Principal = {
  subject: 'dev-auth-disabled',
  roles: ['admin'],
  claims: { roles: ['admin'] },
};

/**
 * Resolves the caller from an `Authorization: Bearer <jwt>` value (HS256, issuer ffo-twin, roles claim).
 * With auth disabled (explicit dev flag) everyone is admin; without a token nobody gets in.
 */
export async function authenticate(
  authorization: string | undefined | null,
  auth: { jwtSecret: string | null; disabled: boolean },
): Promise<Principal> {
  if (auth.disabled) return DEV_PRINCIPAL;
  if (!auth.jwtSecret) {
    throw new FfoError(ErrorCode.CONFIG_INVALID, 'FFO_JWT_SECRET is not set and auth is not disabled');
  }
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!match) throw new FfoError(ErrorCode.UNAUTHENTICATED, 'a bearer token is required');
  const token = match[1]!;
  const known = verified.get(token, auth.jwtSecret);
  if (known) return known;
  try {
    const { payload } = await jwtVerify(token, encode(auth.jwtSecret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
    });
    const roles = (Array.isArray(payload.roles) ? payload.roles : []).filter(isRole);
    if (roles.length === 0)
      throw new FfoError(ErrorCode.FORBIDDEN, `the token grants none of the roles ${ROLES.join(', ')}`);
    const principal: Principal = Object.freeze({
      subject: payload.sub ?? 'unknown',
      roles,
      claims: Object.freeze({ ...payload }) as Record<string, unknown>,
    });
    verified.set(token, auth.jwtSecret, principal, payload.exp);
    return principal;
  } catch (cause) {
    if (cause instanceof FfoError) throw cause;
    throw new FfoError(ErrorCode.UNAUTHENTICATED, 'the bearer token is invalid or expired', { cause });
  }
}

/** Mints a token; used by `ffo token`, the demo and tests. */
export async function issueToken(
  secret: string,
  subject: string,
  roles: Role[],
  ttl = '12h',
): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(encode(secret));
}
