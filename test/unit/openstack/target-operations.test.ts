import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureImage } from '../../../src/engine/target/glance-import.js';
import { verifyLaunch } from '../../../src/engine/target/launch-verifier.js';
import { ensurePort } from '../../../src/engine/target/port-provisioner.js';
import { deleteServer, deleteVolume, findOurResources } from '../../../src/engine/target/resource-reaper.js';
import { ensureServer, waitForServer } from '../../../src/engine/target/server-launcher.js';
import { ownerMetadata } from '../../../src/engine/target/target-ownership.js';
import { attachForWriting, conversionHostConnector } from '../../../src/engine/target/volume-target.js';
import { ensureVolume, setBootable } from '../../../src/engine/target/volume-provisioner.js';
import { OpenStackClient } from '../../../src/providers/openstack/openstack-client.js';
import { FakeOpenStack, SERVICE_PREFIX, TOKEN_ISSUED_AT } from './fake-openstack.js';
import { caught } from './helpers.js';

const NOVA = SERVICE_PREFIX['compute']!;
const NEUTRON = SERVICE_PREFIX['network']!;
const CINDER = SERVICE_PREFIX['block-storage']!;
const GLANCE = SERVICE_PREFIX['image']!;
const MID = 'm42';
const META = ownerMetadata(MID);
const FAST = { timeoutMs: 5000, intervalMs: 1 };

const servers: FakeOpenStack[] = [];
const clients: OpenStackClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(): Promise<{ server: FakeOpenStack; client: OpenStackClient }> {
  const server = new FakeOpenStack();
  servers.push(server);
  await server.start();
  const client = new OpenStackClient({
    authUrl: server.authUrl,
    credentials: {
      username: 'ffo-admin',
      password: 'S3cret!',
      userDomainName: 'Default',
      projectName: 'migration',
      projectDomainName: 'Default',
    },
    region: 'RegionOne',
    clock: () => TOKEN_ISSUED_AT,
    retry: { retries: 0, baseDelayMs: 1 },
  });
  clients.push(client);
  return { server, client };
}

const bodyOf = (server: FakeOpenStack, method: string, path: string): unknown[] =>
  server.requests
    .filter((r) => r.method === method && r.path === path)
    .map((r) => JSON.parse(r.body) as unknown);

/** Answers the i-th call with replies[i] (the last one repeats). */
const sequence =
  (...replies: unknown[]) =>
  (_r: unknown, i: number) => ({ json: replies[Math.min(i, replies.length - 1)] });

describe('ensureVolume', () => {
  it('reuses the migration’s volume found by name and owner, without creating one', async () => {
    const { server, client } = await setup();
    server.json('GET', `${CINDER}/volumes/detail`, {
      volumes: [
        {
          id: 'other',
          name: 'ffo-m42-disk-2000',
          status: 'available',
          size: 10,
          metadata: { ffo_migration: 'm7' },
        },
        { id: 'v1', name: 'ffo-m42-disk-2000', status: 'available', size: 10, metadata: META },
      ],
    });
    server.json('GET', `${CINDER}/volumes/v1`, { volume: { id: 'v1', status: 'available', size: 10 } });
    const r = await ensureVolume(client, { name: 'ffo-m42-disk-2000', sizeGB: 10, metadata: META }, FAST);
    expect(r).toMatchObject({ created: false, volume: { id: 'v1' } });
    expect(server.calls()).not.toContain(`POST ${CINDER}/volumes`);
    expect(server.requests.find((q) => q.path === `${CINDER}/volumes/detail`)?.query.get('name')).toBe(
      'ffo-m42-disk-2000',
    );
  });

  it('creates with name, size, type, metadata and image, then polls until available', async () => {
    const { server, client } = await setup();
    server.json('GET', `${CINDER}/volumes/detail`, { volumes: [] });
    server.json('POST', `${CINDER}/volumes`, { volume: { id: 'v2', status: 'creating' } }, 202);
    server.on(
      'GET',
      `${CINDER}/volumes/v2`,
      sequence(
        { volume: { id: 'v2', status: 'creating' } },
        { volume: { id: 'v2', status: 'downloading' } },
        { volume: { id: 'v2', status: 'available', size: 4 } },
      ),
    );
    const r = await ensureVolume(
      client,
      { name: 'n', sizeGB: 4, volumeType: 'fast', description: 'd', metadata: META, imageRef: 'img-1' },
      FAST,
    );
    expect(r).toMatchObject({ created: true, volume: { id: 'v2', status: 'available' } });
    expect(bodyOf(server, 'POST', `${CINDER}/volumes`)).toEqual([
      {
        volume: {
          name: 'n',
          size: 4,
          volume_type: 'fast',
          description: 'd',
          metadata: META,
          imageRef: 'img-1',
        },
      },
    ]);
    expect(server.calls().filter((c) => c === `GET ${CINDER}/volumes/v2`)).toHaveLength(3);
  });

  it('turns a volume in error into TRANSFER_FAILED (or the given code) with Cinder’s messages', async () => {
    const { server, client } = await setup();
    server.json('GET', `${CINDER}/volumes/detail`, { volumes: [] });
    server.json('POST', `${CINDER}/volumes`, { volume: { id: 'v3', status: 'creating' } }, 202);
    server.json('GET', `${CINDER}/volumes/v3`, { volume: { id: 'v3', name: 'n', status: 'error' } });
    server.json('GET', `${CINDER}/messages`, {
      messages: [{ user_message: 'schedule allocate volume:Could not find any available weighted backend.' }],
    });
    const error = await caught(
      ensureVolume(
        client,
        { name: 'n', sizeGB: 4, metadata: META },
        { ...FAST, failureCode: 'LAUNCH_FAILED' },
      ),
    );
    expect(error).toMatchObject({
      code: 'LAUNCH_FAILED',
      details: { volumeId: 'v3', status: 'error', messages: [expect.stringContaining('weighted backend')] },
    });
    expect(server.requests.find((q) => q.path === `${CINDER}/messages`)?.query.get('resource_uuid')).toBe(
      'v3',
    );
  });

  it('times out (retryable) and honours the abort signal', async () => {
    const { server, client } = await setup();
    server.json('GET', `${CINDER}/volumes/detail`, {
      volumes: [{ id: 'v4', name: 'n', status: 'creating', metadata: META }],
    });
    server.json('GET', `${CINDER}/volumes/v4`, { volume: { id: 'v4', status: 'creating' } });
    expect(
      await caught(
        ensureVolume(client, { name: 'n', sizeGB: 1, metadata: META }, { timeoutMs: 20, intervalMs: 5 }),
      ),
    ).toMatchObject({
      code: 'TRANSFER_FAILED',
      retryable: true,
      details: { status: 'creating' },
    });
    const abort = new AbortController();
    abort.abort(new Error('cancelled'));
    expect(
      await caught(ensureVolume(client, { name: 'n', sizeGB: 1, metadata: META }, { signal: abort.signal })),
    ).toMatchObject({
      message: 'cancelled',
    });
  });

  it('setBootable sends os-set_bootable and os-set_image_metadata', async () => {
    const { server, client } = await setup();
    server.on('POST', `${CINDER}/volumes/v1/action`, (r) => ({
      status: r.body.includes('image_metadata') ? 200 : 202,
      json: r.body.includes('image_metadata') ? { metadata: {} } : undefined,
    }));
    await setBootable(client, 'v1', {
      hw_disk_bus: 'virtio',
      hw_vif_model: 'virtio',
      hw_firmware_type: 'uefi',
      hw_machine_type: 'q35',
    });
    expect(bodyOf(server, 'POST', `${CINDER}/volumes/v1/action`)).toEqual([
      { 'os-set_bootable': { bootable: true } },
      {
        'os-set_image_metadata': {
          metadata: {
            hw_disk_bus: 'virtio',
            hw_vif_model: 'virtio',
            hw_firmware_type: 'uefi',
            hw_machine_type: 'q35',
          },
        },
      },
    ]);
  });
});

describe('attachForWriting', () => {
  async function share(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'ffo-share-'));
    dirs.push(dir);
    await writeFile(join(dir, 'volume-v1'), '');
    await truncate(join(dir, 'volume-v1'), 1024 ** 3);
    return dir;
  }
  const NFS_INFO = {
    driver_volume_type: 'nfs',
    export: '127.0.0.1:/cinder',
    name: 'volume-v1',
    format: 'raw',
    attachment_id: 'a1',
  };

  it('creates an attachment with this host’s connector, resolves the NFS file, completes, and releases', async () => {
    const { server, client } = await setup();
    const dir = await share();
    server.json('GET', `${CINDER}/attachments/detail`, { attachments: [] });
    server.json('POST', `${CINDER}/attachments`, {
      attachment: { id: 'a1', status: 'attaching', connection_info: NFS_INFO },
    });
    server.on('POST', `${CINDER}/attachments/a1/action`, () => ({ status: 200 }));
    server.on('DELETE', `${CINDER}/attachments/a1`, () => ({ status: 200, json: {} }));
    server.on(
      'GET',
      `${CINDER}/volumes/v1`,
      sequence(
        { volume: { id: 'v1', status: 'available', size: 1 } },
        { volume: { id: 'v1', status: 'detaching' } },
        { volume: { id: 'v1', status: 'available' } },
      ),
    );
    const connector = conversionHostConnector({ host: 'conv-1', ip: '10.0.0.9' });
    const w = await attachForWriting(client, 'v1', connector, {
      nfsMounts: new Map([['127.0.0.1:/cinder/', dir]]),
      intervalMs: 1,
    });
    expect(w).toMatchObject({
      volumeId: 'v1',
      attachmentId: 'a1',
      access: { kind: 'file', path: join(dir, 'volume-v1') },
      sizeBytes: 1024 ** 3,
    });
    expect(bodyOf(server, 'POST', `${CINDER}/attachments`)).toEqual([
      {
        attachment: {
          volume_uuid: 'v1',
          mode: 'rw',
          connector: {
            host: 'conv-1',
            ip: '10.0.0.9',
            platform: expect.any(String),
            os_type: 'linux',
            multipath: false,
            do_local_attach: false,
          },
        },
      },
    ]);
    expect(bodyOf(server, 'POST', `${CINDER}/attachments/a1/action`)).toEqual([{ 'os-complete': null }]);
    await w.release();
    await w.release();
    expect(server.calls().filter((c) => c === `DELETE ${CINDER}/attachments/a1`)).toHaveLength(1);
  });

  it('a retry reuses our instance-less attachment instead of creating another', async () => {
    const { server, client } = await setup();
    const dir = await share();
    server.json('GET', `${CINDER}/volumes/v1`, { volume: { id: 'v1', status: 'in-use', size: 1 } });
    server.json('GET', `${CINDER}/attachments/detail`, {
      attachments: [
        { id: 'nova', volume_id: 'v1', instance: 'srv-1', status: 'attached' },
        { id: 'a1', volume_id: 'v1', instance: null, status: 'attached' },
      ],
    });
    server.json('GET', `${CINDER}/attachments/a1`, {
      attachment: { id: 'a1', status: 'attached', connection_info: NFS_INFO },
    });
    const w = await attachForWriting(client, 'v1', conversionHostConnector(), {
      nfsMounts: new Map([['127.0.0.1:/cinder', dir]]),
    });
    expect(w.attachmentId).toBe('a1');
    expect(server.calls().some((c) => c.startsWith(`POST ${CINDER}/attachments`))).toBe(false);
    expect(
      server.requests.find((q) => q.path === `${CINDER}/attachments/detail`)?.query.get('volume_id'),
    ).toBe('v1');
  });

  it('iSCSI volumes are refused (no block attach here) and the attachment is removed again', async () => {
    const { server, client } = await setup();
    server.json('GET', `${CINDER}/volumes/v1`, { volume: { id: 'v1', status: 'available', size: 1 } });
    server.json('GET', `${CINDER}/attachments/detail`, { attachments: [] });
    server.json('POST', `${CINDER}/attachments`, {
      attachment: {
        id: 'a2',
        connection_info: {
          driver_volume_type: 'iscsi',
          target_portal: '10.0.0.5:3260',
          target_iqn: 'iqn.x',
          target_lun: 0,
        },
      },
    });
    server.on('DELETE', `${CINDER}/attachments/a2`, () => ({ status: 200, json: {} }));
    const error = await caught(
      attachForWriting(client, 'v1', conversionHostConnector(), { nfsMounts: new Map() }),
    );
    expect(error).toMatchObject({
      code: 'TARGET_BACKEND_UNSUPPORTED',
      details: { driverVolumeType: 'iscsi' },
    });
    expect(server.calls()).toContain(`DELETE ${CINDER}/attachments/a2`);
  });

  it('an NFS export this host does not mount is TARGET_BACKEND_UNSUPPORTED naming FFO_NFS_MOUNTS', async () => {
    const { server, client } = await setup();
    server.json('GET', `${CINDER}/volumes/v1`, { volume: { id: 'v1', status: 'available', size: 1 } });
    server.json('GET', `${CINDER}/attachments/detail`, { attachments: [] });
    server.json('POST', `${CINDER}/attachments`, {
      attachment: { id: 'a3', connection_info: { ...NFS_INFO, export: '10.9.9.9:/x' } },
    });
    server.on('DELETE', `${CINDER}/attachments/a3`, () => ({ status: 200, json: {} }));
    const error = (await caught(
      attachForWriting(client, 'v1', conversionHostConnector(), { nfsMounts: new Map() }),
    )) as Error;
    expect(error).toMatchObject({ code: 'TARGET_BACKEND_UNSUPPORTED' });
    expect(error.message).toContain('FFO_NFS_MOUNTS=10.9.9.9:/x=');
  });
});

describe('ensurePort', () => {
  const spec = {
    name: 'ffo-m42-nic-4000',
    networkId: 'net-1',
    macAddress: 'FA:16:3E:00:00:01',
    metadata: META,
  };

  it('refuses a MAC held by a port that is not ours before creating anything', async () => {
    const { server, client } = await setup();
    server.on('GET', `${NEUTRON}/ports`, (r) =>
      r.query.has('mac_address')
        ? {
            json: {
              ports: [
                {
                  id: 'p-user',
                  name: 'web',
                  network_id: 'net-1',
                  mac_address: 'fa:16:3e:00:00:01',
                  device_id: 'vm-9',
                  tags: [],
                },
              ],
            },
          }
        : { json: { ports: [] } },
    );
    const error = await caught(ensurePort(client, spec));
    expect(error).toMatchObject({
      code: 'OPENSTACK_CONFLICT',
      details: {
        clashes: [{ macAddress: 'fa:16:3e:00:00:01', portId: 'p-user', portName: 'web', deviceId: 'vm-9' }],
      },
    });
    expect(server.calls().filter((c) => !c.startsWith('GET'))).toEqual([]);
  });

  it('creates with the MAC (lower-case), then tags it; a retry finds it by name', async () => {
    const { server, client } = await setup();
    const created = { id: 'p1', name: spec.name, network_id: 'net-1', mac_address: 'fa:16:3e:00:00:01' };
    server.on('GET', `${NEUTRON}/ports`, (r, i) =>
      r.query.has('name') && i > 1
        ? { json: { ports: [{ ...created, tags: ['ffo_migration=m42'] }] } }
        : { json: { ports: [] } },
    );
    server.json('POST', `${NEUTRON}/ports`, { port: created }, 201);
    server.json('PUT', `${NEUTRON}/ports/p1/tags`, { tags: ['ffo_migration=m42'] });
    const first = await ensurePort(client, spec);
    expect(first).toMatchObject({ created: true, port: { id: 'p1', tags: ['ffo_migration=m42'] } });
    expect(bodyOf(server, 'POST', `${NEUTRON}/ports`)).toEqual([
      { port: { name: spec.name, network_id: 'net-1', mac_address: 'fa:16:3e:00:00:01' } },
    ]);
    expect(bodyOf(server, 'PUT', `${NEUTRON}/ports/p1/tags`)).toEqual([{ tags: ['ffo_migration=m42'] }]);
    const second = await ensurePort(client, spec);
    expect(second).toMatchObject({ created: false, port: { id: 'p1' } });
    expect(server.calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });
});

describe('ensurePort on a retry with another address plan', () => {
  it('updates the found port’s fixed IPs to the plan', async () => {
    const { server, client } = await setup();
    const found = {
      id: 'p1',
      name: 'ffo-m42-nic-4000',
      network_id: 'net-1',
      mac_address: 'fa:16:3e:00:00:01',
      tags: ['ffo_migration=m42'],
    };
    const spec = {
      name: 'ffo-m42-nic-4000',
      networkId: 'net-1',
      macAddress: 'fa:16:3e:00:00:01',
      fixedIps: [{ subnet_id: 's1', ip_address: '10.0.0.5' }],
      metadata: META,
    };
    server.json('GET', `${NEUTRON}/ports`, {
      ports: [{ ...found, fixed_ips: [{ subnet_id: 's1', ip_address: '10.0.0.9' }] }],
    });
    server.json('PUT', `${NEUTRON}/ports/p1`, { port: { ...found, fixed_ips: spec.fixedIps } });
    const r = await ensurePort(client, spec);
    expect(r).toMatchObject({ created: false, port: { fixed_ips: [{ ip_address: '10.0.0.5' }] } });
    expect(bodyOf(server, 'PUT', `${NEUTRON}/ports/p1`)).toEqual([{ port: { fixed_ips: spec.fixedIps } }]);
    // Same plan again: nothing to update.
    server.json('GET', `${NEUTRON}/ports`, { ports: [{ ...found, fixed_ips: spec.fixedIps }] });
    await ensurePort(client, spec);
    expect(server.calls().filter((c) => c.startsWith('PUT'))).toHaveLength(1);
  });

  it('unsetVolumeImageMetadata sends os-unset_image_metadata', async () => {
    const { server, client } = await setup();
    server.on('POST', `${CINDER}/volumes/v1/action`, () => ({ status: 200 }));
    await client.unsetVolumeImageMetadata('v1', 'hw_machine_type');
    expect(bodyOf(server, 'POST', `${CINDER}/volumes/v1/action`)).toEqual([
      { 'os-unset_image_metadata': { key: 'hw_machine_type' } },
    ]);
  });
});

describe('ensureServer / waitForServer', () => {
  const spec = {
    name: 'ffo-m42-vm-app01',
    flavorId: 'f1',
    bootVolumeId: 'v-boot',
    extraVolumeIds: ['v-data1', 'v-data2'],
    portIds: ['p1', 'p2'],
    metadata: META,
    availabilityZone: 'nova',
  };

  it('boots from volume: boot_index 0 first, data volumes after, nothing deleted with the server', async () => {
    const { server, client } = await setup();
    server.json('GET', `${NOVA}/servers/detail`, {
      servers: [{ id: 's-foreign', name: spec.name, status: 'ACTIVE', metadata: {} }],
    });
    server.json('POST', `${NOVA}/servers`, { server: { id: 's1' } }, 202);
    expect(await ensureServer(client, spec)).toEqual({ serverId: 's1', created: true });
    expect(server.requests.find((q) => q.path === `${NOVA}/servers/detail`)?.query.get('name')).toBe(
      '^ffo-m42-vm-app01$',
    );
    expect(bodyOf(server, 'POST', `${NOVA}/servers`)).toEqual([
      {
        server: {
          name: spec.name,
          flavorRef: 'f1',
          networks: [{ port: 'p1' }, { port: 'p2' }],
          block_device_mapping_v2: [
            {
              boot_index: 0,
              uuid: 'v-boot',
              source_type: 'volume',
              destination_type: 'volume',
              delete_on_termination: false,
            },
            {
              boot_index: -1,
              uuid: 'v-data1',
              source_type: 'volume',
              destination_type: 'volume',
              delete_on_termination: false,
            },
            {
              boot_index: -1,
              uuid: 'v-data2',
              source_type: 'volume',
              destination_type: 'volume',
              delete_on_termination: false,
            },
          ],
          metadata: META,
          availability_zone: 'nova',
        },
      },
    ]);
  });

  it('a retry finds the server by name and owner', async () => {
    const { server, client } = await setup();
    server.json('GET', `${NOVA}/servers/detail`, {
      servers: [{ id: 's1', name: spec.name, status: 'BUILD', metadata: META }],
    });
    expect(await ensureServer(client, spec)).toEqual({ serverId: 's1', created: false });
    expect(server.calls().filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('ERROR is LAUNCH_FAILED with Nova’s fault', async () => {
    const { server, client } = await setup();
    server.on(
      'GET',
      `${NOVA}/servers/s1`,
      sequence(
        { server: { id: 's1', status: 'BUILD', 'OS-EXT-STS:task_state': 'spawning' } },
        {
          server: {
            id: 's1',
            name: 'vm',
            status: 'ERROR',
            fault: { code: 500, message: 'No valid host was found.', created: '2030-01-01T00:00:00Z' },
          },
        },
      ),
    );
    const error = (await caught(waitForServer(client, 's1', FAST))) as Error;
    expect(error).toMatchObject({
      code: 'LAUNCH_FAILED',
      details: { serverId: 's1', status: 'ERROR', fault: { message: 'No valid host was found.', code: 500 } },
    });
    expect(error.message).toContain('No valid host');
  });
});

describe('verifyLaunch', () => {
  function cloud(server: FakeOpenStack, vifType: string): void {
    server.json('GET', `${NOVA}/servers/s1`, {
      server: { id: 's1', status: 'ACTIVE', flavor: { original_name: 'bfv.2-4', vcpus: 2, ram: 4096 } },
    });
    server.json('GET', `${NOVA}/flavors/f1`, { flavor: { id: 'f1', name: 'bfv.2-4', vcpus: 2, ram: 4096 } });
    server.json('GET', `${NEUTRON}/ports/p1`, {
      port: {
        id: 'p1',
        network_id: 'n',
        device_id: 's1',
        mac_address: 'fa:16:3e:00:00:01',
        status: 'DOWN',
        'binding:host_id': 'cmp-1',
        'binding:vif_type': vifType,
      },
    });
    server.json('GET', `${NOVA}/servers/s1/os-volume_attachments`, {
      volumeAttachments: [{ volumeId: 'v1', serverId: 's1' }],
    });
    server.json('GET', `${CINDER}/volumes/v1`, {
      volume: { id: 'v1', status: 'in-use', attachments: [{ server_id: 's1' }] },
    });
  }
  const expected = { flavorId: 'f1', ports: [{ id: 'p1', mac: 'FA:16:3E:00:00:01' }], volumeIds: ['v1'] };

  it('accepts an ACTIVE server on its bound (DOWN) ports with its volumes attached', async () => {
    const { server, client } = await setup();
    cloud(server, 'ovs');
    const r = await verifyLaunch(client, 's1', expected);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.name)).toEqual([
      'server.status',
      'server.flavor',
      'port p1.device',
      'port p1.binding_host',
      'port p1.vif_type',
      'port p1.mac',
      'volume v1.attached',
    ]);
  });

  it('reports a failed binding and a missing volume', async () => {
    const { server, client } = await setup();
    cloud(server, 'binding_failed');
    const r = await verifyLaunch(client, 's1', { ...expected, volumeIds: ['v1', 'v-missing'] });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      'port p1.vif_type',
      'volume v-missing.exists',
    ]);
  });
});

describe('reaper', () => {
  it('deleteServer: 404 is done; otherwise waits until Nova forgets it', async () => {
    const { server, client } = await setup();
    await deleteServer(client, 'gone', { intervalMs: 1 });
    server.on('DELETE', `${NOVA}/servers/s1`, () => ({ status: 204 }));
    server.on('GET', `${NOVA}/servers/s1`, (_r, i) =>
      i < 2
        ? { json: { server: { id: 's1', status: 'ACTIVE', 'OS-EXT-STS:task_state': 'deleting' } } }
        : { status: 404, json: { itemNotFound: { code: 404, message: 'gone' } } },
    );
    await deleteServer(client, 's1', { intervalMs: 1 });
    expect(server.calls().filter((c) => c === `GET ${NOVA}/servers/s1`)).toHaveLength(3);
  });

  it('deleteVolume: drops our writer attachment, waits for the detach, deletes, waits until gone', async () => {
    const { server, client } = await setup();
    const states = ['in-use', 'in-use', 'detaching', 'available', 'deleting'];
    let deleted = false;
    server.on('GET', `${CINDER}/volumes/v1`, (_r, i) =>
      deleted && i >= states.length
        ? { status: 404, json: { itemNotFound: { code: 404, message: 'x' } } }
        : { json: { volume: { id: 'v1', status: states[Math.min(i, states.length - 1)] } } },
    );
    server.json('GET', `${CINDER}/attachments/detail`, {
      attachments: [
        { id: 'a1', volume_id: 'v1', instance: null },
        { id: 'a-nova', volume_id: 'v1', instance: 's1' },
      ],
    });
    server.on('DELETE', `${CINDER}/attachments/a1`, () => ({ status: 200, json: {} }));
    server.on('DELETE', `${CINDER}/volumes/v1`, () => {
      deleted = true;
      return { status: 202 };
    });
    await deleteVolume(client, 'v1', { intervalMs: 1 });
    const calls = server.calls().filter((c) => !c.startsWith('GET'));
    expect(calls).toEqual([`DELETE ${CINDER}/attachments/a1`, `DELETE ${CINDER}/volumes/v1`]);
    await deleteVolume(client, 'v1', { intervalMs: 1 }); // 404: nothing to do
  });

  it('findOurResources lists by owner tag/metadata and name prefix only', async () => {
    const { server, client } = await setup();
    server.json('GET', `${NOVA}/servers/detail`, {
      servers: [{ id: 's1', name: 'ffo-m42-vm-a', status: 'ACTIVE', metadata: META }],
    });
    server.json('GET', `${NEUTRON}/ports`, {
      ports: [
        { id: 'p1', name: 'x', network_id: 'n', tags: ['ffo_migration=m42'] },
        { id: 'p2', name: 'ffo-m42-nic-1', network_id: 'n', tags: [] },
        { id: 'p3', name: 'ffo-m420-nic-1', network_id: 'n', tags: ['ffo_migration=m420'] },
      ],
    });
    server.json('GET', `${CINDER}/volumes/detail`, {
      volumes: [
        { id: 'v1', name: 'data', metadata: META },
        { id: 'v2', name: 'user', metadata: {} },
      ],
    });
    server.json('GET', `${GLANCE}/images`, {
      images: [
        { id: 'i1', name: 'img', tags: [], ffo_migration: 'm42' },
        { id: 'i2', name: 'other', tags: [] },
      ],
    });
    server.json('GET', `${CINDER}/attachments/detail`, {
      attachments: [{ id: 'a1', volume_id: 'v1', instance: null }],
    });
    const r = await findOurResources(client, MID);
    expect({
      servers: r.servers.map((s) => s.id),
      ports: r.ports.map((p) => p.id),
      volumes: r.volumes.map((v) => v.id),
      images: r.images.map((i) => i.id),
      attachments: r.attachments.map((a) => a.id),
    }).toEqual({
      servers: ['s1'],
      ports: ['p1', 'p2'],
      volumes: ['v1'],
      images: ['i1'],
      attachments: ['a1'],
    });
  });
});

describe('ensureImage', () => {
  it('replaces a half-uploaded image of a crashed attempt and streams the file with progress', async () => {
    const { server, client } = await setup();
    const dir = await mkdtemp(join(tmpdir(), 'ffo-img-'));
    dirs.push(dir);
    const file = join(dir, 'disk.raw');
    const bytes = Buffer.alloc(9 * 1024 * 1024, 7);
    await writeFile(file, bytes);
    server.json('GET', `${GLANCE}/images`, {
      images: [{ id: 'old', name: 'ffo-m42-image-1', status: 'saving', tags: ['ffo_migration=m42'] }],
    });
    server.on('DELETE', `${GLANCE}/images/old`, () => ({ status: 204 }));
    server.json('POST', `${GLANCE}/images`, { id: 'new', status: 'queued' }, 201);
    server.on('PUT', `${GLANCE}/images/new/file`, () => ({ status: 204 }));
    server.json('GET', `${GLANCE}/images/new`, {
      id: 'new',
      status: 'active',
      size: bytes.length,
      disk_format: 'raw',
    });
    const progress: number[] = [];
    const r = await ensureImage(
      client,
      {
        name: 'ffo-m42-image-1',
        diskFormat: 'raw',
        file,
        metadata: { ...META, hw_disk_bus: 'virtio' },
        onProgress: (sent) => progress.push(sent),
      },
      FAST,
    );
    expect(r).toMatchObject({ created: true, image: { id: 'new', status: 'active' } });
    expect(server.calls()).toContain(`DELETE ${GLANCE}/images/old`);
    expect(bodyOf(server, 'POST', `${GLANCE}/images`)).toEqual([
      {
        ffo_migration: 'm42',
        hw_disk_bus: 'virtio',
        name: 'ffo-m42-image-1',
        disk_format: 'raw',
        container_format: 'bare',
        visibility: 'private',
        tags: ['ffo_migration=m42'],
      },
    ]);
    const upload = server.requests.find((q) => q.method === 'PUT');
    expect(upload?.body.length).toBe(bytes.length);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(bytes.length);
  });
});
