// Where this host sees each NFS export of the target's Cinder backends: FFO_NFS_MOUNTS=export=dir[,export=dir]
// (e.g. 10.0.0.5:/cinder=/mnt/cinder). The export is the driver's share string, as in connection_info.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';

export function parseNfsMounts(value: string | undefined): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const entry of (value ?? '').split(',')) {
    const item = entry.trim();
    if (item === '') continue;
    // The export itself contains ":" but never "="; the directory is what follows the last "=".
    const eq = item.lastIndexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new FfoError(ErrorCode.CONFIG_INVALID, `FFO_NFS_MOUNTS entry "${item}" is not export=dir`);
    mounts.set(normalizeExport(item.slice(0, eq)), item.slice(eq + 1).replace(/\/+$/, ''));
  }
  return mounts;
}

/** `host:/path/` and `host:/path` name the same export. */
export function normalizeExport(exp: string): string {
  const trimmed = exp.trim();
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, '') : trimmed;
}
