import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadLabEnv, REPO_ROOT } from '../../src/config/lab-env.js';

// The lab's VMware-like Debian guest disk (lab/disk/guest-image.sh): real bytes, booted by real qemu.
interface GuestManifest {
  virtualSizeBytes: number;
  sha256: string;
  rootDevice: string;
  rootFsUuid: string;
  buildDate: string;
}

function guestImagePath(): string {
  loadLabEnv();
  if (process.env.FFO_GUEST_IMAGE) return process.env.FFO_GUEST_IMAGE;
  const cache = process.env.FFO_CACHE ?? join(homedir(), '.cache', 'ffo-twin');
  return join(cache, 'guest', 'debian-vmware.img');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const bootCheck = (image: string, bus: 'ide' | 'virtio') =>
  execa('bash', [join(REPO_ROOT, 'lab/disk/boot-check.sh'), image, bus, '240'], { reject: false });

describe('lab guest disk image', () => {
  const image = guestImagePath();
  const manifestPath = image.replace(/\.img$/, '.json');
  let manifest: GuestManifest;

  beforeAll(async () => {
    if (!existsSync(image) || !existsSync(manifestPath))
      throw new Error(
        `guest image missing at ${image}: build it with \`bash lab/disk/guest-image.sh build\``,
      );
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as GuestManifest;
  });

  it('is a sparse 2 GiB raw disk whose bytes match its manifest', async () => {
    const info = await stat(image);
    expect(info.size).toBe(2 * 1024 ** 3);
    expect(manifest.virtualSizeBytes).toBe(info.size);
    // Sparse: far less is allocated than the virtual size.
    expect(info.blocks * 512).toBeLessThan(info.size);
    expect(manifest.rootDevice).toBe('/dev/sda1');
    expect(manifest.rootFsUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sha256File(image)).toBe(manifest.sha256);
  }, 120_000);

  it('boots to a login prompt on IDE but not on virtio-blk, as an unconverted VMware guest', async () => {
    // Both boots at once: each is one TCG vCPU, and the virtio one fails only after the initramfs gives up.
    const [ide, virtio] = await Promise.all([bootCheck(image, 'ide'), bootCheck(image, 'virtio')]);
    expect({ code: ide.exitCode, out: ide.stdout }).toEqual({
      code: 0,
      out: expect.stringMatching(/login prompt after \d+s/),
    });
    expect(virtio.exitCode).toBe(1);
    // It must fail for the VMware reason (no /dev/sda1), not for an unrelated one such as a timeout.
    expect(virtio.stderr).toMatch(/ALERT!\s+\/dev\/sda1 does not exist/);
  }, 600_000);
});
