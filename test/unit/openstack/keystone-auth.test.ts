import { afterEach, describe, expect, it } from '@jest/globals';
import { OpenStackLoginError, OpenStackProtocolError } from '../../../src/errors/openstack-errors.js';
import {
  KeystoneAuth,
  passwordAuthBody,
  parseTokenBody,
} from '../../../src/providers/openstack/keystone-auth.js';
import { OpenStackHttp } from '../../../src/providers/openstack/openstack-http.js';
import { FakeOpenStack, PROJECT_ID, TOKEN_EXPIRES_AT, TOKEN_ISSUED_AT } from './fake-openstack.js';
import { caught } from './helpers.js';

const servers: FakeOpenStack[] = [];
const transports: OpenStackHttp[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(
  options: { password?: string; refreshMarginMs?: number; authUrl?: (s: FakeOpenStack) => string } = {},
): Promise<{ server: FakeOpenStack; auth: KeystoneAuth; clock: { now: number } }> {
  const server = new FakeOpenStack();
  servers.push(server);
  await server.start();
  const transport = new OpenStackHttp();
  transports.push(transport);
  const clock = { now: TOKEN_ISSUED_AT };
  const auth = new KeystoneAuth({
    authUrl: options.authUrl?.(server) ?? server.authUrl,
    credentials: {
      username: 'ffo-admin',
      password: options.password ?? 'S3cret!',
      userDomainName: 'Default',
      projectName: 'migration',
      projectDomainName: 'Default',
    },
    transport,
    clock: () => clock.now,
    ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
  });
  return { server, auth, clock };
}

describe('KeystoneAuth', () => {
  it('authenticates with password + project scope and reads token, expiry, project and catalog', async () => {
    const { server, auth } = await setup();
    const token = await auth.getToken();
    expect(token.value).toBe('tok-1');
    expect(token.expiresAt).toBe(TOKEN_EXPIRES_AT);
    expect(token.issuedAt).toBe(TOKEN_ISSUED_AT);
    expect(token.project).toEqual({
      id: PROJECT_ID,
      name: 'migration',
      domainId: 'default',
      domainName: 'Default',
    });
    expect(token.user.name).toBe('ffo-admin');
    expect(token.roles).toEqual(['admin', 'member', 'reader']);
    expect(token.catalog.map((s) => s.type)).toEqual([
      'identity',
      'compute',
      'network',
      'volumev3',
      'image',
      'placement',
    ]);

    const [request] = server.tokenRequests();
    expect(JSON.parse(request!.body)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'ffo-admin', domain: { name: 'Default' }, password: 'S3cret!' } },
        },
        scope: { project: { name: 'migration', domain: { name: 'Default' } } },
      },
    });
    expect(request!.headers['content-type']).toBe('application/json');
  });

  it('appends /v3 to an unversioned auth URL', async () => {
    const { server, auth } = await setup({ authUrl: (s) => `${s.baseUrl}/identity/` });
    expect(auth.authUrl).toBe(`${server.baseUrl}/identity/v3`);
    await auth.getToken();
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it('caches the token until the refresh margin before expiry, then re-authenticates', async () => {
    const { server, auth, clock } = await setup({ refreshMarginMs: 60_000 });
    const first = await auth.getToken();
    clock.now = TOKEN_EXPIRES_AT - 61_000;
    expect(await auth.getToken()).toBe(first);
    expect(server.tokenRequests()).toHaveLength(1);

    clock.now = TOKEN_EXPIRES_AT - 60_000;
    const second = await auth.getToken();
    expect(second.value).toBe('tok-2');
    expect(server.tokenRequests()).toHaveLength(2);
    expect(auth.authentications).toBe(2);
  });

  it('honours a configured margin', async () => {
    const { server, auth, clock } = await setup({ refreshMarginMs: 10 * 60_000 });
    await auth.getToken();
    clock.now = TOKEN_EXPIRES_AT - 11 * 60_000;
    await auth.getToken();
    expect(server.tokenRequests()).toHaveLength(1);
    clock.now = TOKEN_EXPIRES_AT - 9 * 60_000;
    await auth.getToken();
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it('caps the margin at half the token lifetime (no re-auth storm with short-lived tokens)', async () => {
    // 1 h token, 2 h margin: without the cap every call would authenticate.
    const { server, auth, clock } = await setup({ refreshMarginMs: 2 * 3600_000 });
    await auth.getToken();
    clock.now = TOKEN_ISSUED_AT + 29 * 60_000;
    await auth.getToken();
    expect(server.tokenRequests()).toHaveLength(1);
    clock.now = TOKEN_ISSUED_AT + 30 * 60_000;
    await auth.getToken();
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it('shares one authentication between concurrent callers', async () => {
    const { server, auth } = await setup();
    const tokens = await Promise.all([auth.getToken(), auth.getToken(), auth.getToken()]);
    expect(new Set(tokens.map((t) => t.value))).toEqual(new Set(['tok-1']));
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it('invalidate() forgets only the token it is given', async () => {
    const { auth } = await setup();
    const first = await auth.getToken();
    auth.invalidate(first);
    const second = await auth.getToken();
    expect(second.value).toBe('tok-2');
    auth.invalidate(first); // stale: a concurrent call already replaced it
    expect(await auth.getToken()).toBe(second);
  });

  it('turns a 401 at login into OpenStackLoginError with the request id', async () => {
    const { auth } = await setup({ password: 'wrong' });
    const error = await caught(auth.getToken());
    expect(error).toBeInstanceOf(OpenStackLoginError);
    const e = error as OpenStackLoginError;
    expect(e.code).toBe('OPENSTACK_LOGIN_FAILED');
    expect(e.status).toBe(401);
    expect(e.requestId).toBe('req-keystone-401');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('ffo-admin');
    expect(e.message).not.toContain('wrong');
  });

  it('rejects a token response without X-Subject-Token', async () => {
    const { server, auth } = await setup();
    server.on('POST', '/identity/v3/auth/tokens', () => ({ status: 201, json: { token: {} } }));
    expect(await caught(auth.getToken())).toBeInstanceOf(OpenStackProtocolError);
  });
});

describe('token body helpers', () => {
  it('scopes by project id, defaults domains to id "default", omits scope without a project', () => {
    expect(passwordAuthBody({ username: 'u', password: 'p', projectId: 'p1' })).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'u', domain: { id: 'default' }, password: 'p' } },
        },
        scope: { project: { id: 'p1' } },
      },
    });
    expect(
      passwordAuthBody({ username: 'u', password: 'p', projectName: 'x', userDomainId: 'd1' }),
    ).toMatchObject({
      auth: {
        identity: { password: { user: { domain: { id: 'd1' } } } },
        scope: { project: { name: 'x', domain: { id: 'default' } } },
      },
    });
    expect(passwordAuthBody({ username: 'u', password: 'p' })).not.toHaveProperty('auth.scope');
  });

  it('reads an expiry without zone as UTC and tolerates a missing one', () => {
    const t = parseTokenBody('v', { token: { expires_at: '2030-01-01T01:00:00.000000', user: {} } });
    expect(t?.expiresAt).toBe(TOKEN_EXPIRES_AT);
    expect(t?.project).toBeNull();
    expect(parseTokenBody('v', { token: {} })?.expiresAt).toBeNull();
    expect(parseTokenBody('v', { nothing: 1 })).toBeNull();
  });
});
