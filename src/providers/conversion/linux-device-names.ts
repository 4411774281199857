// Pure text transforms that make a Linux guest independent of the disk bus and NIC driver it boots on.
// A VMware guest names its disks /dev/sdX (pvscsi/lsilogic) or /dev/hdX (old IDE); on KVM virtio-blk
// they become /dev/vdX, so every device-name reference in fstab and the kernel command line must become
// UUID=. NIC names derived from the PCI slot (ens192 on VMware) change too, so they are pinned by MAC.

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';

/** Bus-dependent block device names: sd/hd/vd/xvd disks and partitions, NVMe namespaces and partitions. */
const DEVICE_NAME_SOURCE = String.raw`/dev/(?:(?:sd|hd|vd|xvd)[a-z]+\d*|nvme\d+n\d+(?:p\d+)?)`;
const DEVICE_NAME_EXACT = new RegExp(`^${DEVICE_NAME_SOURCE}$`);
const DEVICE_NAME_ANYWHERE = new RegExp(`(?<![\\w/])${DEVICE_NAME_SOURCE}(?![\\w])`, 'g');
/** root= / resume= kernel parameters naming a device, in grub.cfg or /etc/default/grub. */
const CMDLINE_DEVICE_PARAM = new RegExp(
  `(?<=^|[\\s"'])(root|resume)=(${DEVICE_NAME_SOURCE})(?=$|[\\s"'])`,
  'gm',
);
const DISABLE_UUID_LINE = /^(\s*GRUB_DISABLE_LINUX_UUID\s*=\s*["']?true["']?\s*)$/gm;

/** Device name -> filesystem/swap UUID. Keys are names as the guest writes them (e.g. /dev/sda1). */
export type DeviceUuidMap = Readonly<Record<string, string>>;

export interface TextChange {
  from: string;
  to: string;
}

export interface TransformResult {
  text: string;
  changes: TextChange[];
  /** Device names that were referenced but have no known UUID (left untouched). */
  unresolved: string[];
}

export function isBusDependentDeviceName(name: string): boolean {
  return DEVICE_NAME_EXACT.test(name);
}

/** Every distinct bus-dependent device name mentioned anywhere in the text, in order of appearance. */
export function findDeviceNames(text: string): string[] {
  return [...new Set(text.match(DEVICE_NAME_ANYWHERE) ?? [])];
}

function diskLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(97 + ((n - 1) % 26)) + letters;
  return letters;
}

/**
 * The name the same partition has inside the libguestfs appliance (always /dev/sdX: virtio-scsi),
 * assuming disks keep their order. Used only when fstab's mountpoint mapping cannot resolve a name.
 */
export function applianceDeviceName(name: string): string | undefined {
  const disk = /^\/dev\/(?:sd|hd|vd|xvd)([a-z]+)(\d*)$/.exec(name);
  if (disk) return `/dev/sd${disk[1]}${disk[2]}`;
  const nvme = /^\/dev\/nvme(\d+)n\d+(?:p(\d+))?$/.exec(name);
  if (nvme) return `/dev/sd${diskLetters(Number(nvme[1]))}${nvme[2] ?? ''}`;
  return undefined;
}

/** Exact guest name first, then the appliance name of the same partition. */
export function resolveDeviceUuid(name: string, uuids: DeviceUuidMap): string | undefined {
  if (uuids[name] !== undefined) return uuids[name];
  const appliance = applianceDeviceName(name);
  return appliance === undefined ? undefined : uuids[appliance];
}

/** fstab: a first field naming a bus-dependent device becomes UUID=<uuid>; spacing and comments are kept. */
export function rewriteFstab(text: string, uuids: DeviceUuidMap): TransformResult {
  const changes: TextChange[] = [];
  const unresolved = new Set<string>();
  const lines = text.split('\n').map((line) => {
    const match = /^(\s*)(\S+)(.*)$/.exec(line);
    if (!match || match[2]!.startsWith('#') || !isBusDependentDeviceName(match[2]!)) return line;
    const device = match[2]!;
    const uuid = resolveDeviceUuid(device, uuids);
    if (uuid === undefined) {
      unresolved.add(device);
      return line;
    }
    const spec = `UUID=${uuid}`;
    changes.push({ from: device, to: spec });
    return `${match[1]}${spec}${match[3]}`;
  });
  return { text: lines.join('\n'), changes, unresolved: [...unresolved] };
}

/**
 * root=/dev/sdXN and resume=/dev/sdXN kernel parameters become root=UUID=<uuid>. With `rootUuid` (the UUID of
 * the guest's one root filesystem), a root= naming a device that is neither the guest's nor the appliance's
 * becomes that UUID too: virt-v2v regenerates grub.cfg inside its own appliance, where the guest's disk can
 * come second (root=/dev/sdb1 on a one-disk guest), and a kernel's root= can only mean the guest's root.
 */
export function rewriteKernelCmdlineDevices(
  text: string,
  uuids: DeviceUuidMap,
  rootUuid?: string,
): TransformResult {
  const changes: TextChange[] = [];
  const unresolved = new Set<string>();
  const rewritten = text.replace(CMDLINE_DEVICE_PARAM, (whole: string, param: string, device: string) => {
    const uuid = resolveDeviceUuid(device, uuids) ?? (param === 'root' ? rootUuid : undefined);
    if (uuid === undefined) {
      unresolved.add(device);
      return whole;
    }
    const to = `${param}=UUID=${uuid}`;
    changes.push({ from: whole, to });
    return to;
  });
  return { text: rewritten, changes, unresolved: [...unresolved] };
}

/**
 * /etc/default/grub: device names on GRUB_CMDLINE_LINUX* become UUIDs, and GRUB_DISABLE_LINUX_UUID=true
 * is commented out so that the guest's next update-grub keeps writing root=UUID= (it was how the old
 * grub.cfg got root=/dev/sdX in the first place).
 */
export function rewriteDefaultGrub(text: string, uuids: DeviceUuidMap, rootUuid?: string): TransformResult {
  const cmdline = rewriteKernelCmdlineDevices(text, uuids, rootUuid);
  const changes = [...cmdline.changes];
  const rewritten = cmdline.text.replace(DISABLE_UUID_LINE, (line: string) => {
    const to = `# ${line.trim()}  # disabled by FFO migration: root must be found by UUID`;
    changes.push({ from: line.trim(), to });
    return to;
  });
  return { text: rewritten, changes, unresolved: cmdline.unresolved };
}

export interface NicPin {
  /** MAC address the NIC keeps on the target (the migrated port's MAC). */
  mac: string;
  /** Interface name the guest's network configuration expects (e.g. ens192). */
  name: string;
}

const MAC_PATTERN = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
// Kernel IFNAMSIZ is 16 including NUL; '/', ':' and whitespace are not allowed in names.
const IFNAME_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;

function validatePin(pin: NicPin): void {
  if (!MAC_PATTERN.test(pin.mac))
    throw new FfoError(ErrorCode.BAD_INPUT, `not a MAC address: ${JSON.stringify(pin.mac)}`);
  if (!IFNAME_PATTERN.test(pin.name) || pin.name === '.' || pin.name === '..')
    throw new FfoError(ErrorCode.BAD_INPUT, `not a valid interface name: ${JSON.stringify(pin.name)}`);
}

/** /etc/systemd/network/<file>: sorts before 99-default.link, which would apply the predictable name. */
export function networkLinkFileName(pin: NicPin): string {
  validatePin(pin);
  return `10-ffo-${pin.name}.link`;
}

/** A systemd .link file that gives the NIC with this MAC its old name, whatever driver it has now. */
export function networkLinkFile(pin: NicPin): string {
  validatePin(pin);
  return [
    '# Written by FFO migration: keep the interface name the guest had on VMware.',
    '[Match]',
    `MACAddress=${pin.mac.toLowerCase()}`,
    '',
    '[Link]',
    `Name=${pin.name}`,
    '',
  ].join('\n');
}

/** Interface names a network configuration file refers to (ifupdown, netplan, ifcfg, NetworkManager, networkd). */
export function findNicNames(path: string, text: string): string[] {
  const names = new Set<string>();
  const add = (name: string | undefined) => {
    if (name !== undefined && name !== 'lo' && IFNAME_PATTERN.test(name)) names.add(name);
  };
  const lines = text.split('\n').map((l) => l.replace(/#.*$/, ''));
  if (path.includes('/network/interfaces')) {
    for (const line of lines) {
      const m = /^\s*(?:iface|auto|allow-hotplug|allow-auto|allow-\S+)\s+(.+)$/.exec(line);
      if (!m) continue;
      if (/^\s*iface\b/.test(line)) add(m[1]!.trim().split(/\s+/)[0]);
      else for (const name of m[1]!.trim().split(/\s+/)) add(name);
    }
  } else if (path.includes('/netplan/')) {
    // Keys directly under ethernets:/bonds: members; indentation based, no YAML parser needed.
    let sectionIndent = -1;
    let childIndent = -1;
    for (const line of lines) {
      if (line.trim() === '') continue;
      const indent = line.length - line.trimStart().length;
      if (/^\s*ethernets:\s*$/.test(line)) {
        sectionIndent = indent;
        childIndent = -1;
        continue;
      }
      if (sectionIndent < 0) continue;
      if (indent <= sectionIndent) {
        sectionIndent = -1;
        continue;
      }
      if (childIndent < 0) childIndent = indent;
      const key = /^\s*([^\s:]+):/.exec(line);
      if (indent === childIndent && key) add(key[1]);
    }
  } else if (path.includes('/sysconfig/network-scripts/') || path.includes('/NetworkManager/')) {
    for (const line of lines) {
      const m = /^\s*(?:DEVICE|interface-name)\s*=\s*["']?([^"'\s]+)/.exec(line);
      if (m) add(m[1]);
    }
  } else if (path.includes('/systemd/network/')) {
    for (const line of lines) {
      const m = /^\s*Name\s*=\s*(.+)$/.exec(line);
      if (m) for (const name of m[1]!.trim().split(/\s+/)) if (!/[*?[]/.test(name)) add(name);
    }
  }
  return [...names];
}
