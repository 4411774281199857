import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import {
  VSphereFaultError,
  VSphereLoginError,
  VSphereNotAuthenticatedError,
  VSphereProtocolError,
  VSphereUnreachableError,
} from '../../../src/errors/vsphere-errors.js';
import { moRef } from '../../../src/providers/vsphere/managed-object-reference.js';
import { containerViewFilterSpec } from '../../../src/providers/vsphere/soap-envelope.js';
import {
  VimClient,
  type VimCallStats,
  type VimClientOptions,
} from '../../../src/providers/vsphere/vim-client.js';
import { FakeVCenter, defaultHandlers, type FakeHandler } from './fake-vcenter.js';
import { readFixture } from './fixture-files.js';

const servers: FakeVCenter[] = [];
const clients: VimClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(
  handlers: Record<string, FakeHandler> = defaultHandlers(),
  options: Partial<VimClientOptions> = {},
): Promise<{ server: FakeVCenter; client: VimClient }> {
  const server = new FakeVCenter(handlers);
  servers.push(server);
  const url = await server.start();
  const client = new VimClient({ url, ...options });
  clients.push(client);
  return { server, client };
}

const SPEC = containerViewFilterSpec(moRef('ContainerView', 'v-1'), [
  { type: 'VirtualMachine', pathSet: ['name'] },
]);

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('VimClient session', () => {
  it('logs in, keeps the vmware_soap_session cookie and speaks the server API version', async () => {
    const handlers = defaultHandlers();
    handlers['RetrieveServiceContent'] = () => ({
      body: readFixture('service-content.vcsim.xml').replace(
        '<apiVersion>6.5</apiVersion>',
        '<apiVersion>8.0.2.0</apiVersion>',
      ),
    });
    const { server, client } = await setup(handlers);
    await client.login('admin', 'S3cret!');
    expect(client.isLoggedIn).toBe(true);
    const view = await client.createContainerView(['VirtualMachine'], true);
    expect(view.type).toBe('ContainerView');
    expect(await client.about()).toEqual({
      instanceUuid: 'dbed6e0c-bd88-4ef6-b594-21283e1c677f',
      fullName: 'VMware vCenter Server 6.5.0 build-5973321',
      apiVersion: '8.0.2.0',
      apiType: 'VirtualCenter',
    });
    await client.logout();
    expect(client.isLoggedIn).toBe(false);

    expect(server.methods()).toEqual(['RetrieveServiceContent', 'Login', 'CreateContainerView', 'Logout']);
    const [sc, login, create, logout] = server.requests;
    expect(sc!.cookie).toBeNull();
    expect(sc!.soapAction).toBe('"urn:vim25/6.5"');
    expect(login!.soapAction).toBe('"urn:vim25/8.0.2.0"');
    expect(login!.body).toContain(
      '<_this type="SessionManager">SessionManager</_this><userName>admin</userName>',
    );
    expect(create!.cookie).toBe('vmware_soap_session="sess-1"');
    expect(create!.body).toContain(
      '<container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive>',
    );
    expect(logout!.cookie).toBe('vmware_soap_session="sess-1"');
  });

  it('maps InvalidLogin to VSphereLoginError', async () => {
    const { client } = await setup();
    const error = await caught(client.login('admin', 'wrong'));
    expect(error).toBeInstanceOf(VSphereLoginError);
    expect(client.isLoggedIn).toBe(false);
  });

  it('logs in again once and retries when the session expired', async () => {
    const handlers = defaultHandlers();
    handlers['RetrievePropertiesEx'] = (_req, index) =>
      index === 0
        ? { status: 500, body: readFixture('fault-not-authenticated.vcsim.xml') }
        : { body: readFixture('retrieve-inventory.vcenter.xml') };
    const { server, client } = await setup(handlers);
    await client.login('admin', 'S3cret!');
    const result = await client.retrievePropertiesEx([SPEC]);
    expect(result.objects).toHaveLength(31);
    expect(server.methods()).toEqual([
      'RetrieveServiceContent',
      'Login',
      'RetrievePropertiesEx',
      'Login',
      'RetrievePropertiesEx',
    ]);
  });

  it('surfaces NotAuthenticated when re-login is disabled or no credentials are known', async () => {
    const handlers = defaultHandlers();
    handlers['RetrievePropertiesEx'] = () => ({
      status: 500,
      body: readFixture('fault-not-authenticated.vcsim.xml'),
    });
    const { client } = await setup(handlers, { reloginOnSessionExpiry: false });
    await client.login('admin', 'S3cret!');
    expect(await caught(client.retrievePropertiesEx([SPEC]))).toBeInstanceOf(VSphereNotAuthenticatedError);
    const { client: anonymous } = await setup(handlers);
    expect(await caught(anonymous.retrievePropertiesEx([SPEC]))).toBeInstanceOf(VSphereNotAuthenticatedError);
  });

  it('maps other faults to VSphereFaultError', async () => {
    const handlers = defaultHandlers();
    handlers['CreateContainerView'] = () => ({
      status: 500,
      body: readFixture('fault-invalid-argument.vcsim.xml'),
    });
    const { client } = await setup(handlers);
    const error = await caught(client.createContainerView(['Bogus'], true));
    expect(error).toBeInstanceOf(VSphereFaultError);
    expect((error as VSphereFaultError).faultType).toBe('InvalidArgument');
  });
});

describe('VimClient paging', () => {
  function pagedHandlers(): Record<string, FakeHandler> {
    const handlers = defaultHandlers();
    handlers['RetrievePropertiesEx'] = () => ({ body: readFixture('retrieve-inventory-page1.vcenter.xml') });
    handlers['ContinueRetrievePropertiesEx'] = (req) =>
      req.body.includes('<token>1</token>')
        ? { body: readFixture('retrieve-inventory-page2.vcenter.xml') }
        : { status: 500, body: readFixture('fault-invalid-argument.vcsim.xml') };
    handlers['CancelRetrievePropertiesEx'] = () => ({
      body: readFixture('destroy-view.vcsim.xml').replace(
        /DestroyViewResponse/g,
        'CancelRetrievePropertiesExResponse',
      ),
    });
    return handlers;
  }

  it('follows the token through ContinueRetrievePropertiesEx and sends maxObjects', async () => {
    const calls: VimCallStats[] = [];
    const { server, client } = await setup(pagedHandlers(), { onCall: (s) => calls.push(s) });
    await client.login('admin', 'S3cret!');
    const objects = await client.retrieveAllProperties([SPEC], 15);
    expect(objects).toHaveLength(31);
    expect(new Set(objects.map((o) => o.obj.value)).size).toBe(31);
    expect(server.methods().slice(-2)).toEqual(['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);
    const first = server.requests.find((r) => r.method === 'RetrievePropertiesEx')!;
    expect(first.body).toContain('<options><maxObjects>15</maxObjects></options>');
    expect(first.body).toContain('<selectSet xsi:type="TraversalSpec">');
    const next = server.requests.find((r) => r.method === 'ContinueRetrievePropertiesEx')!;
    expect(next.body).toContain('<_this type="PropertyCollector">propertyCollector</_this><token>1</token>');
    expect(next.cookie).toBe('vmware_soap_session="sess-1"');

    // Raw timings of the last call are exposed for benchmarks.
    expect(client.lastCall).toMatchObject({ method: 'ContinueRetrievePropertiesEx', status: 200 });
    expect(client.lastCall!.responseBytes).toBe(
      Buffer.byteLength(readFixture('retrieve-inventory-page2.vcenter.xml')),
    );
    expect(client.lastCall!.httpMs).toBeGreaterThanOrEqual(0);
    expect(client.lastCall!.parseMs).toBeGreaterThanOrEqual(0);
    expect(calls.map((c) => c.method)).toEqual(server.methods());
  });

  it('cancels the server-side result set when the consumer stops early', async () => {
    const { server, client } = await setup(pagedHandlers());
    await client.login('admin', 'S3cret!');
    for await (const page of client.retrievePropertyPages([SPEC], 15)) {
      expect(page).toHaveLength(15);
      break;
    }
    expect(server.methods().slice(-2)).toEqual(['RetrievePropertiesEx', 'CancelRetrievePropertiesEx']);
    expect(server.requests.at(-1)!.body).toContain('<token>1</token>');
  });
});

describe('VimClient transport errors', () => {
  it('maps a refused connection to a retryable VSphereUnreachableError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new VimClient({ url: `http://127.0.0.1:${port}/sdk` });
    clients.push(client);
    const error = await caught(client.retrieveServiceContent());
    expect(error).toBeInstanceOf(VSphereUnreachableError);
    expect((error as VSphereUnreachableError).retryable).toBe(true);
    expect((error as VSphereUnreachableError).details).toMatchObject({
      reason: 'network',
      code: 'ECONNREFUSED',
    });
    expect(client.lastCall).toBeNull();
  });

  it('times out with VSphereUnreachableError', async () => {
    const handlers = defaultHandlers();
    handlers['RetrieveServiceContent'] = () => ({ body: '', hang: true });
    const { client } = await setup(handlers, { timeoutMs: 150 });
    const error = await caught(client.retrieveServiceContent());
    expect(error).toBeInstanceOf(VSphereUnreachableError);
    expect((error as VSphereUnreachableError).details).toMatchObject({ reason: 'timeout' });
  });

  it('rethrows the caller abort reason instead of a vSphere error', async () => {
    const handlers = defaultHandlers();
    handlers['RetrieveServiceContent'] = () => ({ body: '', hang: true });
    const { client } = await setup(handlers);
    const controller = new AbortController();
    const pending = caught(
      client.call(
        'RetrieveServiceContent',
        moRef('ServiceInstance', 'ServiceInstance'),
        {},
        { signal: controller.signal },
      ),
    );
    controller.abort(new Error('shutdown'));
    expect(await pending).toEqual(new Error('shutdown'));
  });

  it('maps HTTP 503 to unreachable and other non-SOAP answers to VSphereProtocolError', async () => {
    const handlers = defaultHandlers();
    handlers['RetrieveServiceContent'] = (_req, index) =>
      index === 0
        ? { status: 503, body: 'busy', headers: { 'content-type': 'text/plain' } }
        : { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } };
    const { client } = await setup(handlers);
    expect(await caught(client.retrieveServiceContent())).toBeInstanceOf(VSphereUnreachableError);
    const error = await caught(client.retrieveServiceContent());
    expect(error).toBeInstanceOf(VSphereProtocolError);
    expect((error as Error).message).toContain('HTTP 404');
  });

  it('rejects a 200 answer that is not a SOAP envelope', async () => {
    const handlers = defaultHandlers();
    handlers['RetrieveServiceContent'] = () => ({ body: '<html>login page</html>' });
    const { client } = await setup(handlers);
    expect(await caught(client.retrieveServiceContent())).toBeInstanceOf(VSphereProtocolError);
  });
});

describe('VimClient TLS', () => {
  const tls = { cert: readFixture('tls-test-cert.pem'), key: readFixture('tls-test-key.pem') };

  async function httpsServer(): Promise<string> {
    const server = new FakeVCenter(defaultHandlers(), tls);
    servers.push(server);
    return server.start();
  }

  it('trusts a server certificate through the ca option', async () => {
    const url = await httpsServer();
    expect(url.startsWith('https://')).toBe(true);
    const client = new VimClient({ url, ca: tls.cert });
    clients.push(client);
    expect((await client.about()).apiType).toBe('VirtualCenter');
  });

  it('rejects an untrusted certificate as a non-retryable unreachable error, unless insecure', async () => {
    const url = await httpsServer();
    const strict = new VimClient({ url });
    const insecure = new VimClient({ url, insecure: true });
    clients.push(strict, insecure);
    const error = await caught(strict.about());
    expect(error).toBeInstanceOf(VSphereUnreachableError);
    expect((error as VSphereUnreachableError).retryable).toBe(false);
    expect((error as VSphereUnreachableError).details).toMatchObject({ reason: 'tls' });
    expect((await insecure.about()).apiVersion).toBe('6.5');
  });
});
