// Read-only inspection of a copied guest disk: everything the conversion planner and the minimal
// fixer need, gathered in one libguestfs appliance launch (launching is most of the cost under TCG).

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { GuestfishSession } from './guestfish-session.js';
import {
  findDeviceNames,
  findNicNames,
  isBusDependentDeviceName,
  resolveDeviceUuid,
  type DeviceUuidMap,
} from './linux-device-names.js';

export type DriverPresence = 'module' | 'builtin' | 'missing';

export interface KernelInspection {
  version: string;
  virtioBlk: DriverPresence;
  virtioNet: DriverPresence;
  virtioPci: DriverPresence;
  /** Whether an initramfs/initrd file exists in /boot for this kernel. */
  hasInitramfs: boolean;
}

export interface InitramfsInspection {
  tool: 'initramfs-tools' | 'dracut' | 'unknown';
  /** initramfs-tools MODULES= (most, dep, netboot, list); dracut: 'hostonly' or 'generic'. */
  policy: string | null;
  /** Modules or drivers explicitly configured for the initramfs. */
  listedModules: string[];
  /** True when the configuration makes the initramfs carry virtio_blk (and virtio_pci) for any disk. */
  includesVirtio: boolean;
}

export interface FilesystemInspection {
  /** Device name inside the appliance (/dev/sdXN). */
  device: string;
  type: string;
  uuid: string | null;
}

export interface NetworkConfigInspection {
  path: string;
  interfaces: string[];
}

export interface GrubInspection {
  path: string;
  deviceNames: string[];
}

export interface GuestInspection {
  /** libguestfs OS type: linux, windows, freebsd, ... or 'unknown' when no OS was found. */
  osType: string;
  distro: string;
  majorVersion: number;
  minorVersion: number;
  productName: string;
  /** Root filesystem device inside the appliance, '' when no OS was found. */
  root: string;
  hostname: string;
  packageFormat: string;
  /** Mountpoint -> appliance device, from the guest's fstab. */
  mountpoints: Record<string, string>;
  filesystems: FilesystemInspection[];
  /**
   * UUID of every filesystem by appliance device name and by each bus-dependent name the guest's fstab
   * uses for it; the input of the device-name transforms.
   */
  deviceUuids: Record<string, string>;
  fstab: string | null;
  /** Bus-dependent device names (/dev/sdXN, /dev/hdXN, ...) that fstab mounts by. */
  fstabDeviceNames: string[];
  /** The bootloader config that boots the guest (first of grub.cfg candidates), null if none. */
  grubConfigPath: string | null;
  grubConfigs: GrubInspection[];
  /** Whether grub.cfg or /etc/default/grub names a device like /dev/sda1 (breaks on virtio). */
  grubReferencesDeviceNames: boolean;
  defaultGrub: string | null;
  kernels: KernelInspection[];
  initramfs: InitramfsInspection;
  /** Every kernel has virtio_blk, virtio_pci and virtio_net, and the initramfs carries the disk drivers. */
  virtioDrivers: boolean;
  networkConfigs: NetworkConfigInspection[];
  /** Interface names the network configuration expects (e.g. ens192), without lo. */
  nicNames: string[];
  durationMs: number;
}

export interface InspectOptions {
  signal?: AbortSignal;
  format?: 'raw' | 'qcow2';
}

const GRUB_CANDIDATES = ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg'];
const NETWORK_DIRS = [
  '/etc/network/interfaces.d',
  '/etc/netplan',
  '/etc/sysconfig/network-scripts',
  '/etc/NetworkManager/system-connections',
  '/etc/systemd/network',
];

function toInt(text: string | undefined): number {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

/** "key: value" lines (inspect-get-mountpoints, list-filesystems). */
export function parseColonPairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) pairs.push([line.slice(0, at), line.slice(at + 2).trim()]);
  }
  return pairs;
}

/** modules.dep / modules.builtin lookup of one module, whatever the compression suffix. */
export function driverPresence(module: string, modulesDep: string, modulesBuiltin: string): DriverPresence {
  const names = [module, module.replace(/_/g, '-')];
  const inList = (text: string, withDeps: boolean) =>
    text.split('\n').some((line) => {
      const path = withDeps ? line.split(':')[0]! : line.trim();
      const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.ko(\.(xz|zst|gz))?$/, '');
      return names.includes(base);
    });
  if (inList(modulesBuiltin, false)) return 'builtin';
  if (inList(modulesDep, true)) return 'module';
  return 'missing';
}

/** initramfs-tools: MODULES=most (the default) includes virtio_blk and virtio_pci; dep/list only if listed. */
export function initramfsToolsPolicy(
  confTexts: readonly string[],
  modulesFile: string,
): Omit<InitramfsInspection, 'tool'> {
  let policy: string | null = null;
  for (const text of confTexts)
    for (const m of text.matchAll(/^\s*MODULES\s*=\s*["']?(\w+)["']?/gm)) policy = m[1]!;
  policy ??= 'most';
  const listedModules = modulesFile
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
  const listed = listedModules.includes('virtio_blk') || listedModules.includes('virtio-blk');
  return { policy, listedModules, includesVirtio: policy === 'most' || listed };
}

/** dracut: hostonly images (the RHEL default) only carry the current host's (VMware's) drivers. */
export function dracutPolicy(confTexts: readonly string[]): Omit<InitramfsInspection, 'tool'> {
  let hostonly = true;
  const listedModules: string[] = [];
  for (const text of confTexts) {
    for (const m of text.matchAll(/^\s*hostonly\s*=\s*["']?(\w+)["']?/gm)) hostonly = m[1] === 'yes';
    for (const m of text.matchAll(/^\s*(?:add_drivers|force_drivers)\s*\+?=\s*["']([^"']*)["']/gm))
      listedModules.push(...m[1]!.trim().split(/\s+/).filter(Boolean));
  }
  const listed = listedModules.includes('virtio_blk') || listedModules.includes('virtio-blk');
  return { policy: hostonly ? 'hostonly' : 'generic', listedModules, includesVirtio: !hostonly || listed };
}

/** fstab first fields that name a bus-dependent device, with their mountpoints. */
export function fstabDeviceEntries(fstab: string): Array<{ device: string; mountpoint: string }> {
  const entries: Array<{ device: string; mountpoint: string }> = [];
  for (const line of fstab.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 2 || fields[0]!.startsWith('#')) continue;
    if (isBusDependentDeviceName(fields[0]!)) entries.push({ device: fields[0]!, mountpoint: fields[1]! });
  }
  return entries;
}

/**
 * Guest name -> UUID. The guest's fstab names are resolved through libguestfs' own fstab mapping
 * (mountpoint -> appliance device), so /dev/sdb1 on a guest with a different disk order still finds
 * the right filesystem; unmounted entries (swap) fall back to the same-position appliance name.
 */
export function buildDeviceUuids(
  filesystems: readonly FilesystemInspection[],
  mountpoints: Readonly<Record<string, string>>,
  fstab: string | null,
): Record<string, string> {
  // Lookups use the appliance names only: a guest name may equal another filesystem's appliance name.
  const byAppliance: Record<string, string> = {};
  for (const fs of filesystems) if (fs.uuid) byAppliance[fs.device] = fs.uuid;
  const uuids: Record<string, string> = { ...byAppliance };
  for (const { device, mountpoint } of fstabDeviceEntries(fstab ?? '')) {
    const appliance = mountpoints[mountpoint];
    const uuid =
      appliance !== undefined && byAppliance[appliance] !== undefined
        ? byAppliance[appliance]
        : resolveDeviceUuid(device, byAppliance as DeviceUuidMap);
    if (uuid !== undefined) uuids[device] = uuid;
  }
  return uuids;
}

/** Mounts the guest's filesystems the way its fstab does (parents first). */
export async function mountGuest(
  session: GuestfishSession,
  mountpoints: Readonly<Record<string, string>>,
  readOnly: boolean,
): Promise<void> {
  const ordered = Object.entries(mountpoints).sort(([a], [b]) => a.length - b.length);
  for (const [mountpoint, device] of ordered) {
    const command = [readOnly ? 'mount-ro' : 'mount', device, mountpoint];
    // Only the root must mount; a broken /home should not stop the conversion.
    if (mountpoint === '/') await session.run(command);
    else await session.tryRun(command);
  }
}

export async function listFilesystems(session: GuestfishSession): Promise<FilesystemInspection[]> {
  const filesystems: FilesystemInspection[] = [];
  for (const [device, type] of parseColonPairs(await session.run(['list-filesystems']))) {
    if (type === 'unknown' || type === '') continue;
    const uuid = (await session.tryRun(['vfs-uuid', device])) ?? '';
    filesystems.push({ device, type, uuid: uuid === '' ? null : uuid });
  }
  return filesystems;
}

async function inspectKernels(session: GuestfishSession): Promise<KernelInspection[]> {
  const boot = await session.lines(['ls', '/boot']);
  const versions = new Set<string>();
  for (const name of boot) {
    const m = /^vmlinu[xz]-(.+)$/.exec(name);
    if (m && !m[1]!.includes('rescue')) versions.add(m[1]!);
  }
  const kernels: KernelInspection[] = [];
  for (const version of versions) {
    const dir = `/lib/modules/${version}`;
    const dep = (await session.readFile(`${dir}/modules.dep`)) ?? '';
    const builtin = (await session.readFile(`${dir}/modules.builtin`)) ?? '';
    const hasInitramfs = boot.some((n) =>
      [`initrd.img-${version}`, `initramfs-${version}.img`, `initrd-${version}`].includes(n),
    );
    kernels.push({
      version,
      virtioBlk: driverPresence('virtio_blk', dep, builtin),
      virtioNet: driverPresence('virtio_net', dep, builtin),
      virtioPci: driverPresence('virtio_pci', dep, builtin),
      hasInitramfs,
    });
  }
  return kernels.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
}

async function readAll(session: GuestfishSession, dir: string, pattern: RegExp): Promise<string[]> {
  const texts: string[] = [];
  for (const name of (await session.lines(['ls', dir])).sort())
    if (pattern.test(name)) texts.push((await session.readFile(`${dir}/${name}`)) ?? '');
  return texts;
}

async function inspectInitramfs(session: GuestfishSession): Promise<InitramfsInspection> {
  if (await session.isDir('/etc/initramfs-tools')) {
    const conf = (await session.readFile('/etc/initramfs-tools/initramfs.conf')) ?? '';
    const confD = await readAll(session, '/etc/initramfs-tools/conf.d', /^[^.]/);
    const modules = (await session.readFile('/etc/initramfs-tools/modules')) ?? '';
    return { tool: 'initramfs-tools', ...initramfsToolsPolicy([conf, ...confD], modules) };
  }
  if ((await session.isFile('/usr/bin/dracut')) || (await session.isFile('/sbin/dracut'))) {
    const conf = (await session.readFile('/etc/dracut.conf')) ?? '';
    const confD = await readAll(session, '/etc/dracut.conf.d', /\.conf$/);
    return { tool: 'dracut', ...dracutPolicy([conf, ...confD]) };
  }
  return { tool: 'unknown', policy: null, listedModules: [], includesVirtio: false };
}

async function inspectNetwork(session: GuestfishSession): Promise<NetworkConfigInspection[]> {
  const paths: string[] = [];
  if (await session.isFile('/etc/network/interfaces')) paths.push('/etc/network/interfaces');
  for (const dir of NETWORK_DIRS)
    for (const name of (await session.lines(['ls', dir])).sort()) {
      const wanted =
        dir === '/etc/netplan'
          ? /\.ya?ml$/.test(name)
          : dir === '/etc/sysconfig/network-scripts'
            ? name.startsWith('ifcfg-')
            : dir === '/etc/systemd/network'
              ? name.endsWith('.network')
              : !name.startsWith('.');
      if (wanted) paths.push(`${dir}/${name}`);
    }
  const configs: NetworkConfigInspection[] = [];
  for (const path of paths) {
    const text = await session.readFile(path);
    if (text !== undefined) configs.push({ path, interfaces: findNicNames(path, text) });
  }
  return configs;
}

/** Every grub.cfg that may carry kernel command lines with device names. */
export async function bootloaderFiles(session: GuestfishSession): Promise<string[]> {
  const found: string[] = [];
  for (const path of GRUB_CANDIDATES) if (await session.isFile(path)) found.push(path);
  // UEFI: the ESP's grub.cfg is often only a stub that loads /boot/grub/grub.cfg, but on RHEL it is the real one.
  for (const vendor of await session.lines(['ls', '/boot/efi/EFI']))
    if (await session.isFile(`/boot/efi/EFI/${vendor}/grub.cfg`))
      found.push(`/boot/efi/EFI/${vendor}/grub.cfg`);
  return found;
}

/** The inspection of an OS-less disk (data disk, unknown OS). */
function emptyInspection(durationMs: number): GuestInspection {
  return {
    osType: 'unknown',
    distro: 'unknown',
    majorVersion: 0,
    minorVersion: 0,
    productName: 'unknown',
    root: '',
    hostname: 'unknown',
    packageFormat: 'unknown',
    mountpoints: {},
    filesystems: [],
    deviceUuids: {},
    fstab: null,
    fstabDeviceNames: [],
    grubConfigPath: null,
    grubConfigs: [],
    grubReferencesDeviceNames: false,
    defaultGrub: null,
    kernels: [],
    initramfs: { tool: 'unknown', policy: null, listedModules: [], includesVirtio: false },
    virtioDrivers: false,
    networkConfigs: [],
    nicNames: [],
    durationMs,
  };
}

/** Inspects the guest on these disks (all disks of one VM, boot disk first), read-only. */
export async function inspectGuest(
  disks: readonly string[],
  options: InspectOptions = {},
): Promise<GuestInspection> {
  const started = Date.now();
  const session = await GuestfishSession.open(disks, {
    readOnly: true,
    format: options.format,
    signal: options.signal,
  });
  try {
    const roots = await session.lines(['inspect-os']);
    const filesystems = await listFilesystems(session);
    if (roots.length === 0) return { ...emptyInspection(Date.now() - started), filesystems };
    if (roots.length > 1)
      throw new FfoError(
        ErrorCode.CONVERSION_FAILED,
        `multi-boot guest (roots ${roots.join(', ')}) is not supported`,
        {
          details: { roots },
        },
      );
    const root = roots[0]!;
    const get = (what: string) => session.run([`inspect-get-${what}`, root]);
    const osType = await get('type');
    const result: GuestInspection = {
      ...emptyInspection(0),
      osType,
      distro: await get('distro'),
      majorVersion: toInt(await get('major-version')),
      minorVersion: toInt(await get('minor-version')),
      productName: await get('product-name'),
      root,
      hostname: await get('hostname'),
      packageFormat: await get('package-format'),
      mountpoints: Object.fromEntries(parseColonPairs(await get('mountpoints'))),
      filesystems,
    };
    if (osType === 'linux') {
      await mountGuest(session, result.mountpoints, true);
      result.fstab = (await session.readFile('/etc/fstab')) ?? null;
      result.deviceUuids = buildDeviceUuids(filesystems, result.mountpoints, result.fstab);
      result.fstabDeviceNames = [...new Set(fstabDeviceEntries(result.fstab ?? '').map((e) => e.device))];
      for (const path of await bootloaderFiles(session)) {
        const text = (await session.readFile(path)) ?? '';
        result.grubConfigs.push({ path, deviceNames: findDeviceNames(text) });
      }
      result.grubConfigPath = result.grubConfigs[0]?.path ?? null;
      result.defaultGrub = (await session.readFile('/etc/default/grub')) ?? null;
      result.grubReferencesDeviceNames =
        result.grubConfigs.some((g) => g.deviceNames.length > 0) ||
        findDeviceNames(result.defaultGrub ?? '').length > 0;
      result.kernels = await inspectKernels(session);
      result.initramfs = await inspectInitramfs(session);
      result.virtioDrivers =
        result.kernels.length > 0 &&
        result.kernels.every(
          (k) => k.virtioBlk !== 'missing' && k.virtioPci !== 'missing' && k.virtioNet !== 'missing',
        ) &&
        result.kernels.every(
          (k) => (k.virtioBlk === 'builtin' && k.virtioPci === 'builtin') || result.initramfs.includesVirtio,
        );
      result.networkConfigs = await inspectNetwork(session);
      result.nicNames = [...new Set(result.networkConfigs.flatMap((c) => c.interfaces))];
    }
    result.durationMs = Date.now() - started;
    return result;
  } finally {
    await session.close();
  }
}
