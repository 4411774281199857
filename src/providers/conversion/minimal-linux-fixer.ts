// The minimal conversion of a Linux guest that already has virtio drivers: one read-write libguestfs
// session that rewrites bus-dependent device names (fstab, grub.cfg, /etc/default/grub) to UUIDs and
// pins NIC names to MACs with systemd .link files. Nothing else: no initramfs rebuild, no package
// changes, which is what makes it seconds instead of virt-v2v's minutes.

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { GuestfishSession } from './guestfish-session.js';
import {
  bootloaderFiles,
  buildDeviceUuids,
  listFilesystems,
  mountGuest,
  parseColonPairs,
  type FilesystemInspection,
  type GuestInspection,
} from './guest-inspector.js';
import {
  networkLinkFile,
  networkLinkFileName,
  rewriteDefaultGrub,
  rewriteFstab,
  rewriteKernelCmdlineDevices,
  type NicPin,
  type TextChange,
  type TransformResult,
} from './linux-device-names.js';

export interface GuestFileChange {
  path: string;
  action: 'rewritten' | 'created';
  /** Text-level edits (device name -> UUID=...); empty for created files. */
  edits: TextChange[];
}

export interface MinimalFixResult {
  changes: GuestFileChange[];
  /** Device names still referenced because no UUID was found for them (the guest may not boot). */
  unresolved: string[];
  durationMs: number;
}

export interface MinimalFixOptions {
  /** NICs whose guest names must survive the move to virtio (MAC of the target port, old name). */
  nics?: readonly NicPin[];
  signal?: AbortSignal;
  format?: 'raw' | 'qcow2';
  /** Keep a copy of each rewritten file as <path>.pre-ffo (once; an existing copy is never replaced). */
  backup?: boolean;
  /**
   * The inspection of the same disks, when the caller has one: it saves libguestfs' own inspection
   * (5-15 s under TCG). Conversion does not change partitions, so it stays valid after virt-v2v.
   */
  inspection?: Pick<GuestInspection, 'osType' | 'root' | 'mountpoints' | 'filesystems'>;
}

const LINK_DIR = '/etc/systemd/network';

async function rewrite(
  session: GuestfishSession,
  path: string,
  transform: (text: string) => TransformResult,
  backup: boolean,
  result: MinimalFixResult,
): Promise<void> {
  const text = await session.readFile(path);
  if (text === undefined) return;
  const out = transform(text);
  result.unresolved.push(...out.unresolved.filter((d) => !result.unresolved.includes(d)));
  if (out.text === text) return;
  if (backup && !(await session.isFile(`${path}.pre-ffo`)))
    await session.run(['cp-a', path, `${path}.pre-ffo`]);
  await session.writeFile(path, out.text);
  result.changes.push({ path, action: 'rewritten', edits: out.changes });
}

/** Applies the minimal fix to the guest on these disks (boot disk first); returns what changed. */
export async function fixLinuxDeviceNames(
  disks: readonly string[],
  options: MinimalFixOptions = {},
): Promise<MinimalFixResult> {
  const started = Date.now();
  const result: MinimalFixResult = { changes: [], unresolved: [], durationMs: 0 };
  const session = await GuestfishSession.open(disks, {
    readOnly: false,
    format: options.format,
    signal: options.signal,
  });
  try {
    let mountpoints: Record<string, string>;
    let filesystems: FilesystemInspection[];
    if (options.inspection) {
      if (options.inspection.osType !== 'linux')
        throw new FfoError(
          ErrorCode.CONVERSION_FAILED,
          `the minimal Linux fix cannot convert a ${options.inspection.osType} guest`,
        );
      ({ mountpoints, filesystems } = options.inspection);
    } else {
      const roots = await session.lines(['inspect-os']);
      if (roots.length !== 1)
        throw new FfoError(
          ErrorCode.CONVERSION_FAILED,
          roots.length === 0
            ? 'no Linux root filesystem found on the disk'
            : `multi-boot guest (${roots.join(', ')})`,
          { details: { roots } },
        );
      const root = roots[0]!;
      const osType = await session.run(['inspect-get-type', root]);
      if (osType !== 'linux')
        throw new FfoError(
          ErrorCode.CONVERSION_FAILED,
          `the minimal Linux fix cannot convert a ${osType} guest`,
        );
      mountpoints = Object.fromEntries(parseColonPairs(await session.run(['inspect-get-mountpoints', root])));
      filesystems = await listFilesystems(session);
    }
    await mountGuest(session, mountpoints, false);
    // The UUID map comes from the fstab before it is rewritten: its device names are the keys.
    const fstab = (await session.readFile('/etc/fstab')) ?? null;
    const uuids = buildDeviceUuids(filesystems, mountpoints, fstab);
    const rootDevice = mountpoints['/'];
    const rootUuid = rootDevice === undefined ? undefined : uuids[rootDevice];
    const backup = options.backup ?? true;

    await rewrite(session, '/etc/fstab', (t) => rewriteFstab(t, uuids), backup, result);
    for (const path of await bootloaderFiles(session))
      await rewrite(session, path, (t) => rewriteKernelCmdlineDevices(t, uuids, rootUuid), backup, result);
    await rewrite(
      session,
      '/etc/default/grub',
      (t) => rewriteDefaultGrub(t, uuids, rootUuid),
      backup,
      result,
    );

    const nics = options.nics ?? [];
    if (nics.length > 0) {
      await session.run(['mkdir-p', LINK_DIR]);
      for (const nic of nics) {
        const path = `${LINK_DIR}/${networkLinkFileName(nic)}`;
        const content = networkLinkFile(nic);
        if ((await session.readFile(path)) === content) continue;
        await session.writeFile(path, content);
        await session.run(['chmod', '0644', path]);
        result.changes.push({ path, action: 'created', edits: [] });
      }
    }
    // New files have no SELinux label; an enforcing guest relabels itself on next boot.
    const selinux = (await session.readFile('/etc/selinux/config')) ?? '';
    if (nics.length > 0 && /^\s*SELINUX\s*=\s*(enforcing|permissive)/m.test(selinux)) {
      await session.run(['touch', '/.autorelabel']);
      result.changes.push({ path: '/.autorelabel', action: 'created', edits: [] });
    }
    await session.syncAndUnmount();
  } finally {
    await session.close();
  }
  result.durationMs = Date.now() - started;
  return result;
}
