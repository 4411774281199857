import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudCredentials } from '../../src/config/app-config.js';
import { ensureImage } from '../../src/engine/target/glance-import.js';
import { verifyLaunch } from '../../src/engine/target/launch-verifier.js';
import { parseNfsMounts } from '../../src/engine/target/nfs-mounts.js';
import { assertMacsAvailable, ensurePort } from '../../src/engine/target/port-provisioner.js';
import {
  deleteImage,
  deletePort,
  deleteServer,
  deleteVolume,
  findOurResources,
  reapMigration,
} from '../../src/engine/target/resource-reaper.js';
import { launchServer } from '../../src/engine/target/server-launcher.js';
import { ownerMetadata, resourceName } from '../../src/engine/target/target-ownership.js';
import {
  attachForWriting,
  conversionHostConnector,
  findHostAttachment,
} from '../../src/engine/target/volume-target.js';
import { ensureVolume, setBootable } from '../../src/engine/target/volume-provisioner.js';
import type { OpenStackClient } from '../../src/providers/openstack/openstack-client.js';
import { openStackClientFor } from '../../src/services/openstack-inventory-fetcher.js';
import { labConfig, uniqueName } from './support/lab.js';

const MiB = 1024 * 1024;

/** A locally administered MAC in OpenStack's fa:16:3e prefix, random enough not to meet another test's. */
function randomMac(): string {
  return `fa:16:3e:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

// The real mini-OpenStack of the lab: Cinder NFS (a local share dir), Nova fake driver, Neutron without agents.
describe('migration target operations on the lab OpenStack', () => {
  let client: OpenStackClient;
  let nfsMounts: Map<string, string>;
  let netAppId: string;
  let flavorId: string;
  let work: string;
  const migrations: string[] = [];
  const newMigration = (): string => {
    const id = uniqueName('it');
    migrations.push(id);
    return id;
  };

  beforeAll(async () => {
    const config = labConfig();
    if (!config.clouds.has('lab'))
      throw new Error('the lab OpenStack is not configured (lab/up.sh starts it)');
    client = openStackClientFor(cloudCredentials(config, 'lab'));
    nfsMounts = parseNfsMounts(process.env.FFO_NFS_MOUNTS);
    if (nfsMounts.size === 0) throw new Error('FFO_NFS_MOUNTS is not in the lab env');
    const net = (await client.listNetworks({ query: { name: 'net-app' } }))[0];
    const flavor = (await client.listFlavors()).find((f) => f.name === 'bfv.2-4');
    if (!net || !flavor) throw new Error('the lab seed (net-app, bfv.2-4) is missing');
    netAppId = net.id;
    flavorId = flavor.id;
    work = await mkdtemp(join(tmpdir(), 'ffo-launch-'));
  });

  afterAll(async () => {
    // Safety net: whatever a failed test left behind.
    for (const id of migrations) await reapMigration(client, id, { waitMs: 120_000 }).catch(() => undefined);
    await client?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes a volume through NFS, boots a server from it, verifies, is idempotent and reaps everything', async () => {
    const mid = newMigration();
    const metadata = ownerMetadata(mid);
    const volumeName = resourceName(mid, 'disk', 2000);
    const { volume, created } = await ensureVolume(
      client,
      { name: volumeName, sizeGB: 1, description: 'boot disk', metadata },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(created).toBe(true);
    expect(volume.status).toBe('available');

    // Attach for writing, write 1 MiB at offset 0 through the NFS path, release.
    const connector = conversionHostConnector();
    const writable = await attachForWriting(client, volume.id, connector, { nfsMounts, intervalMs: 500 });
    expect(writable.access.kind).toBe('file');
    if (writable.access.kind !== 'file') throw new Error('expected file access');
    expect(writable.access.path).toBe(join(nfsMounts.get('127.0.0.1:/cinder')!, `volume-${volume.id}`));
    expect(writable.sizeBytes).toBe(1024 * MiB);
    expect((await client.getVolume(volume.id)).status).toBe('in-use');
    // A retry (crash after attaching) finds the same attachment instead of adding one.
    const again = await attachForWriting(client, volume.id, connector, { nfsMounts, intervalMs: 500 });
    expect(again.attachmentId).toBe(writable.attachmentId);
    expect(await client.listAttachments({ query: { volume_id: volume.id } })).toHaveLength(1);
    const pattern = randomBytes(MiB);
    const fh = await open(writable.access.path, 'r+');
    try {
      await fh.write(pattern, 0, MiB, 0);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await writable.release();
    await again.release(); // same attachment: already gone is fine
    expect((await client.getVolume(volume.id)).status).toBe('available');
    expect(await findHostAttachment(client, volume.id)).toBeNull();
    const head = Buffer.alloc(MiB);
    const check = await open(writable.access.path, 'r');
    try {
      await check.read(head, 0, MiB, 0);
    } finally {
      await check.close();
    }
    expect(head.equals(pattern)).toBe(true);

    await setBootable(client, volume.id, {
      hw_disk_bus: 'virtio',
      hw_vif_model: 'virtio',
      hw_firmware_type: 'bios',
      os_type: 'linux',
    });
    const bootable = await client.getVolume(volume.id);
    expect(bootable.bootable).toBe('true');
    expect(bootable.volume_image_metadata).toMatchObject({ hw_disk_bus: 'virtio', hw_firmware_type: 'bios' });

    const mac = randomMac();
    const portSpec = { name: resourceName(mid, 'nic', 4000), networkId: netAppId, macAddress: mac, metadata };
    const { port, created: portCreated } = await ensurePort(client, portSpec);
    expect(portCreated).toBe(true);
    expect(port.mac_address).toBe(mac);
    expect(port.tags).toContain(`ffo_migration=${mid}`);

    const serverSpec = {
      name: resourceName(mid, 'vm', 'app01'),
      flavorId,
      bootVolumeId: volume.id,
      extraVolumeIds: [],
      portIds: [port.id],
      metadata,
    };
    const launched = await launchServer(client, serverSpec, { timeoutMs: 180_000, intervalMs: 500 });
    expect(launched.created).toBe(true);
    expect(launched.ports[0]).toMatchObject({ portId: port.id, macAddress: mac });
    expect(launched.ports[0]!.fixedIps[0]!.ip_address).toMatch(/^10\.10\.100\./);

    const verification = await verifyLaunch(client, launched.serverId, {
      flavorId,
      ports: [{ id: port.id, mac }],
      volumeIds: [volume.id],
    });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.ok).toBe(true);
    // A wrong plan is noticed.
    const wrong = await verifyLaunch(client, launched.serverId, {
      flavorId,
      ports: [{ id: port.id, mac: randomMac() }],
      volumeIds: [volume.id],
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.checks.find((c) => !c.ok)?.name).toBe(`port ${port.id}.mac`);

    // Idempotent: the same ensure-calls find the same resources and create nothing.
    const before = await findOurResources(client, mid);
    const volume2 = await ensureVolume(
      client,
      { name: volumeName, sizeGB: 1, metadata },
      { timeoutMs: 60_000 },
    );
    const port2 = await ensurePort(client, portSpec);
    const launched2 = await launchServer(client, serverSpec, { timeoutMs: 60_000, intervalMs: 500 });
    expect([volume2.created, port2.created, launched2.created]).toEqual([false, false, false]);
    expect([volume2.volume.id, port2.port.id, launched2.serverId]).toEqual([
      volume.id,
      port.id,
      launched.serverId,
    ]);
    const after = await findOurResources(client, mid);
    const ids = (r: typeof before): string[][] =>
      [r.servers, r.ports, r.volumes, r.images].map((l) => l.map((x) => x.id).sort());
    expect(ids(after)).toEqual(ids(before));
    expect(ids(after)).toEqual([[launched.serverId], [port.id], [volume.id], []]);

    // Rollback: server first (its delete detaches the volume), then the volume and the port.
    await deleteServer(client, launched.serverId, { waitMs: 120_000 });
    await deleteVolume(client, volume.id, { waitMs: 120_000 });
    await deletePort(client, port.id);
    await deleteServer(client, launched.serverId); // already gone: done
    await deleteVolume(client, volume.id);
    const left = await findOurResources(client, mid);
    expect(ids(left)).toEqual([[], [], [], []]);
    expect(left.attachments).toEqual([]);
    expect((await client.listServers({ query: { name: mid } })).filter((s) => s.name?.includes(mid))).toEqual(
      [],
    );
    expect((await client.listVolumes()).filter((v) => v.name?.includes(mid))).toEqual([]);
    expect((await client.listPorts()).filter((p) => p.name?.includes(mid))).toEqual([]);
  });

  it('imports a raw file through Glance and Cinder copies it into a bootable volume', async () => {
    const mid = newMigration();
    const metadata = ownerMetadata(mid);
    const file = join(work, 'disk.raw');
    const bytes = randomBytes(4 * MiB);
    await writeFile(file, bytes);
    const progress: number[] = [];
    const imageName = resourceName(mid, 'image', 2000);
    const { image, created } = await ensureImage(
      client,
      {
        name: imageName,
        diskFormat: 'raw',
        file,
        metadata: { ...metadata, hw_disk_bus: 'virtio' },
        onProgress: (sent) => progress.push(sent),
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(created).toBe(true);
    expect(image.status).toBe('active');
    expect(image.size).toBe(bytes.length);
    expect(progress.at(-1)).toBe(bytes.length);
    // Found again, not uploaded twice.
    const again = await ensureImage(client, { name: imageName, diskFormat: 'raw', file, metadata });
    expect(again).toMatchObject({ created: false, image: { id: image.id } });

    const { volume } = await ensureVolume(
      client,
      { name: resourceName(mid, 'disk', 2000), sizeGB: 1, metadata, imageRef: image.id },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(volume.bootable).toBe('true');
    const path = join(nfsMounts.get('127.0.0.1:/cinder')!, `volume-${volume.id}`);
    const head = (await readFile(path)).subarray(0, bytes.length);
    expect(head.equals(bytes)).toBe(true);

    // The rollback safety net finds and removes both.
    const reaped = await reapMigration(client, mid, { waitMs: 120_000 });
    expect([reaped.volumes.map((v) => v.id), reaped.images.map((i) => i.id)]).toEqual([
      [volume.id],
      [image.id],
    ]);
    await deleteImage(client, image.id); // already gone: done
    const left = await findOurResources(client, mid);
    expect([left.servers, left.ports, left.volumes, left.images, left.attachments]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
  });

  it('refuses a MAC held by a port that is not the migration’s before creating anything', async () => {
    const other = newMigration();
    const mid = newMigration();
    const mac = randomMac();
    const foreign = await client.createPort({
      network_id: netAppId,
      mac_address: mac,
      name: uniqueName('foreign'),
    });
    try {
      await expect(assertMacsAvailable(client, [{ macAddress: mac }], mid)).rejects.toMatchObject({
        code: 'OPENSTACK_CONFLICT',
        details: { clashes: [{ macAddress: mac, portId: foreign.id }] },
      });
      await expect(
        ensurePort(client, {
          name: resourceName(mid, 'nic', 4000),
          networkId: netAppId,
          macAddress: mac,
          metadata: ownerMetadata(mid),
        }),
      ).rejects.toMatchObject({ code: 'OPENSTACK_CONFLICT' });
      const left = await findOurResources(client, mid);
      expect(left.ports).toEqual([]);
      expect((await client.listPorts({ query: { mac_address: mac } })).map((p) => p.id)).toEqual([
        foreign.id,
      ]);
      // The same MAC is fine for the migration that owns the port.
      await client.setPortTags(foreign.id, [`ffo_migration=${other}`]);
      await expect(assertMacsAvailable(client, [{ macAddress: mac }], other)).resolves.toBeUndefined();
    } finally {
      await deletePort(client, foreign.id);
    }
  });
});
