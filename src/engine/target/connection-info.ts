// What Cinder's attachment `connection_info` says about how this host reaches a volume, per driver type,
// as plain data (no I/O). The field names are os-brick's connector contract for each protocol.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';

export interface NfsConnection {
  kind: 'nfs';
  /** `host:/path` as in the driver's nfs_shares config. */
  export: string;
  /** File name of the volume inside the export (volume-<id>). */
  name: string;
  /** raw or qcow2: the format of the file (raw unless nfs_qcow2_volumes). */
  format: string;
}

export interface IscsiConnection {
  kind: 'iscsi';
  /** Every path (multipath drivers list several); the first is the primary one. */
  targets: { portal: string; iqn: string; lun: number }[];
  auth: { method: string; username: string | null } | null;
  /** Where udev puts the device once the session is logged in. */
  devicePath: string;
}

export interface RbdConnection {
  kind: 'rbd';
  pool: string;
  image: string;
  monitors: string[];
  user: string | null;
  clusterName: string;
  /** Where `rbd map` (krbd) puts the device. */
  devicePath: string;
}

export interface FibreChannelConnection {
  kind: 'fibre_channel';
  targetWwns: string[];
  lun: number;
  /** Candidate by-path names (one per target WWN); the HBA's PCI address is host specific. */
  devicePathPattern: string[];
}

export type ConnectionTarget = NfsConnection | IscsiConnection | RbdConnection | FibreChannelConnection;

/** Reads connection_info; unknown or malformed ones are TARGET_BACKEND_UNSUPPORTED. */
export function interpretConnectionInfo(connectionInfo: unknown): ConnectionTarget {
  const info = asRecord(connectionInfo);
  const type = typeof info?.['driver_volume_type'] === 'string' ? info['driver_volume_type'] : null;
  // The attachments API (3.27+) flattens the driver's `data` into connection_info; os-initialize_connection
  // keeps it nested: accept both.
  const data = asRecord(info?.['data']) ?? info;
  if (type === null || data === null)
    throw unsupported('connection_info has no driver_volume_type/data', type);
  switch (type.toLowerCase()) {
    case 'nfs':
      return nfs(data);
    case 'iscsi':
      return iscsi(data);
    case 'rbd':
      return rbd(data);
    case 'fibre_channel':
      return fibreChannel(data);
    default:
      throw unsupported(`the volume driver type "${type}" is not supported for writing disks`, type);
  }
}

function nfs(data: Record<string, unknown>): NfsConnection {
  const exp = str(data['export']);
  const name = str(data['name']);
  if (exp === null || name === null) throw unsupported('nfs connection_info lacks export or name', 'nfs');
  return { kind: 'nfs', export: exp, name, format: str(data['format']) ?? 'raw' };
}

function iscsi(data: Record<string, unknown>): IscsiConnection {
  const portals = strList(data['target_portals']);
  const iqns = strList(data['target_iqns']);
  const luns = numList(data['target_luns']);
  const targets: IscsiConnection['targets'] = [];
  if (portals.length > 0 && portals.length === iqns.length && portals.length === luns.length) {
    portals.forEach((portal, i) => targets.push({ portal, iqn: iqns[i]!, lun: luns[i]! }));
  } else {
    const portal = str(data['target_portal']);
    const iqn = str(data['target_iqn']);
    const lun = num(data['target_lun']);
    if (portal === null || iqn === null || lun === null)
      throw unsupported('iscsi connection_info lacks target_portal/target_iqn/target_lun', 'iscsi');
    targets.push({ portal, iqn, lun });
  }
  const method = str(data['auth_method']);
  const first = targets[0]!;
  return {
    kind: 'iscsi',
    targets,
    auth: method === null ? null : { method, username: str(data['auth_username']) },
    devicePath: `/dev/disk/by-path/ip-${first.portal}-iscsi-${first.iqn}-lun-${first.lun}`,
  };
}

function rbd(data: Record<string, unknown>): RbdConnection {
  const name = str(data['name']);
  const slash = name?.indexOf('/') ?? -1;
  if (name === null || slash <= 0) throw unsupported('rbd connection_info name is not "pool/image"', 'rbd');
  const hosts = strList(data['hosts']);
  const ports = strList(data['ports']);
  const pool = name.slice(0, slash);
  const image = name.slice(slash + 1);
  return {
    kind: 'rbd',
    pool,
    image,
    monitors: hosts.map((h, i) => (ports[i] === undefined ? h : `${h}:${ports[i]}`)),
    user: str(data['auth_username']),
    clusterName: str(data['cluster_name']) ?? 'ceph',
    devicePath: `/dev/rbd/${pool}/${image}`,
  };
}

function fibreChannel(data: Record<string, unknown>): FibreChannelConnection {
  const wwns = typeof data['target_wwn'] === 'string' ? [data['target_wwn']] : strList(data['target_wwn']);
  const lun = num(data['target_lun']);
  if (wwns.length === 0 || lun === null)
    throw unsupported('fibre_channel connection_info lacks target_wwn/target_lun', 'fibre_channel');
  return {
    kind: 'fibre_channel',
    targetWwns: wwns.map((w) => w.toLowerCase()),
    lun,
    devicePathPattern: wwns.map((w) => `/dev/disk/by-path/pci-*-fc-0x${w.toLowerCase()}-lun-${lun}`),
  };
}

function unsupported(message: string, driverVolumeType: string | null): FfoError {
  return new FfoError(ErrorCode.TARGET_BACKEND_UNSUPPORTED, message, { details: { driverVolumeType } });
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}
function strList(value: unknown): string[] {
  return Array.isArray(value)
    ? value
        .map((v) => (typeof v === 'number' ? String(v) : v))
        .filter((v): v is string => typeof v === 'string')
    : [];
}
function numList(value: unknown): number[] {
  return Array.isArray(value) ? value.map(num).filter((v): v is number => v !== null) : [];
}
