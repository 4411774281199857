import { authenticate, issueToken } from '../../../src/auth/jwt-auth.js';
import { ErrorCode, type FfoError } from '../../../src/errors/index.js';

const auth = { jwtSecret: 'unit-test-secret-unit-test-secret', disabled: false };
const codeOf = async (p: Promise<unknown>): Promise<string | null> =>
  p.then(
    () => null,
    (error: FfoError) => error.code,
  );

describe('authenticate', () => {
  it('accepts a token we issued and returns its roles', async () => {
    const token = await issueToken(auth.jwtSecret, 'alice', ['agent']);
    const principal = await authenticate(`Bearer ${token}`, auth);
    expect(principal.subject).toBe('alice');
    expect(principal.roles).toEqual(['agent']);
  });

  it('refuses no token, a wrong secret, an expired token and a token without roles', async () => {
    expect(await codeOf(authenticate(undefined, auth))).toBe(ErrorCode.UNAUTHENTICATED);
    const foreign = await issueToken('another-secret-another-secret-xx', 'bob', ['admin']);
    expect(await codeOf(authenticate(`Bearer ${foreign}`, auth))).toBe(ErrorCode.UNAUTHENTICATED);
    const expired = await issueToken(auth.jwtSecret, 'carol', ['admin'], '-1s');
    expect(await codeOf(authenticate(`Bearer ${expired}`, auth))).toBe(ErrorCode.UNAUTHENTICATED);
    const roleless = await issueToken(auth.jwtSecret, 'dave', []);
    expect(await codeOf(authenticate(`Bearer ${roleless}`, auth))).toBe(ErrorCode.FORBIDDEN);
  });

  it('serves a repeated token from its verification, but never under another secret', async () => {
    const token = await issueToken(auth.jwtSecret, 'erin', ['analyst']);
    const first = await authenticate(`Bearer ${token}`, auth);
    expect(await authenticate(`Bearer ${token}`, auth)).toBe(first);
    const rotated = { ...auth, jwtSecret: 'rotated-secret-rotated-secret-xx' };
    expect(await codeOf(authenticate(`Bearer ${token}`, rotated))).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('makes everyone admin only under the explicit dev flag', async () => {
    expect((await authenticate(undefined, { jwtSecret: null, disabled: true })).roles).toEqual(['admin']);
    expect(await codeOf(authenticate(undefined, { jwtSecret: null, disabled: false }))).toBe(
      ErrorCode.CONFIG_INVALID,
    );
  });
});
