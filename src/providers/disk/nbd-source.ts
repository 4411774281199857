// nbdkit command lines for the ends of a disk copy. Pure builders (plus the VDDK availability probe):
// secrets only ever travel as file names (cookie=+FILE, password=+FILE), never in argv.

import { stat } from 'node:fs/promises';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { runCommand } from './command-runner.js';

export type NbdSourceSpec =
  | {
      kind: 'http';
      /** The datastore file URL (https://esx/folder/vm/disk-flat.vmdk?dcPath=...&dsName=...). */
      url: string;
      /** File holding the Cookie header value (vmware_soap_session="..."). */
      cookieFile?: string;
      /** PEM CA bundle for the server certificate. */
      caFile?: string;
      /** Skip TLS verification (lab only). */
      insecure?: boolean;
    }
  | { kind: 'file'; path: string }
  | {
      kind: 'vddk';
      libdir: string;
      server: string;
      user: string;
      passwordFile: string;
      /** SHA-1 thumbprint of the ESXi/vCenter certificate (xx:xx:...). */
      thumbprint: string;
      vmMoref: string;
      snapshotMoref?: string;
      /** The datastore path of the disk, e.g. "[datastore1] vm/vm.vmdk". */
      file: string;
      /** Colon-separated VDDK transport modes, e.g. "nbdssl:nbd". */
      transports?: string;
    };

export type NbdTargetSpec = { kind: 'file'; path: string } | { kind: 'block'; device: string };

export interface NbdSourceOptions {
  /** Only the listed extents read as data; the rest reads as holes (delta copies). */
  extentListFile?: string;
  rateBytesPerSecond?: number;
}

function badInput(message: string): FfoError {
  return new FfoError(ErrorCode.BAD_INPUT, message);
}

function requireValue(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw badInput(`${what} is required`);
  return value;
}

function pluginArgs(spec: NbdSourceSpec): string[] {
  switch (spec.kind) {
    case 'http': {
      let url: URL;
      try {
        url = new URL(spec.url);
      } catch {
        throw badInput(`not a valid URL: ${spec.url}`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw badInput(`the curl source needs an http(s) URL, got ${url.protocol}`);
      // Credentials in the URL would be visible in the process list.
      if (url.username !== '' || url.password !== '')
        throw badInput('the source URL must not carry credentials; use cookieFile');
      const args = ['curl', `url=${spec.url}`];
      if (spec.cookieFile !== undefined) args.push(`cookie=+${spec.cookieFile}`);
      if (spec.caFile !== undefined) args.push(`cainfo=${spec.caFile}`);
      if (spec.insecure === true) args.push('sslverify=false');
      return args;
    }
    case 'file':
      return ['file', `file=${requireValue(spec.path, 'the source file path')}`];
    case 'vddk': {
      const vm = requireValue(spec.vmMoref, 'the VM moref');
      const args = [
        'vddk',
        `libdir=${requireValue(spec.libdir, 'the VDDK libdir')}`,
        `server=${requireValue(spec.server, 'the VDDK server')}`,
        `user=${requireValue(spec.user, 'the VDDK user')}`,
        `password=+${requireValue(spec.passwordFile, 'the VDDK password file')}`,
        `thumbprint=${requireValue(spec.thumbprint, 'the server thumbprint')}`,
        `vm=${vm.startsWith('moref=') ? vm : `moref=${vm}`}`,
      ];
      if (spec.snapshotMoref !== undefined) args.push(`snapshot=${spec.snapshotMoref}`);
      if (spec.transports !== undefined) args.push(`transports=${spec.transports}`);
      // The plugin expects file= last by convention; nbdkit itself does not care.
      args.push(`file=${requireValue(spec.file, 'the disk file')}`);
      return args;
    }
  }
}

/**
 * Read-only nbdkit arguments (without `nbdkit` itself) serving the source disk.
 * Filters stack in command-line order, the first one nearest the client: extentlist answers
 * block-status before anything reaches the plugin, rate then throttles only the reads that remain.
 */
export function nbdkitSourceArgs(spec: NbdSourceSpec, options: NbdSourceOptions = {}): string[] {
  const filters: string[] = [];
  const params: string[] = [];
  if (options.extentListFile !== undefined) {
    filters.push('--filter=extentlist');
    params.push(`extentlist=${options.extentListFile}`);
  }
  if (options.rateBytesPerSecond !== undefined) {
    const rate = options.rateBytesPerSecond;
    if (!Number.isSafeInteger(rate) || rate <= 0)
      throw badInput(`rateBytesPerSecond must be a positive integer, got ${rate}`);
    filters.push('--filter=rate');
    // The rate filter counts bits per second.
    params.push(`rate=${rate * 8}`);
  }
  return ['-r', ...filters, ...pluginArgs(spec), ...params];
}

/** Writable nbdkit arguments for the copy target; the file plugin serves block devices too. */
export function nbdkitTargetArgs(spec: NbdTargetSpec): string[] {
  const target =
    spec.kind === 'file'
      ? requireValue(spec.path, 'the target file path')
      : requireValue(spec.device, 'the target device');
  return ['file', `file=${target}`];
}

/**
 * Whether the VDDK plugin can be used: the libdir exists and nbdkit loads the plugin with it.
 * Debian does not ship nbdkit-vddk-plugin (VDDK is proprietary), so on a stock host this is false.
 */
export async function vddkAvailable(libdir: string, signal?: AbortSignal): Promise<boolean> {
  try {
    if (!(await stat(libdir)).isDirectory()) return false;
    await runCommand('nbdkit', ['--dump-plugin', 'vddk', `libdir=${libdir}`], { timeoutMs: 30000, signal });
    return true;
  } catch (error) {
    if (signal?.aborted) throw error;
    return false;
  }
}

/** Refuses with VDDK_UNAVAILABLE unless vddkAvailable(libdir). */
export async function assertVddkAvailable(libdir: string, signal?: AbortSignal): Promise<void> {
  if (!(await vddkAvailable(libdir, signal)))
    throw new FfoError(
      ErrorCode.VDDK_UNAVAILABLE,
      `the nbdkit VDDK plugin is not usable with libdir ${libdir} (plugin or library missing)`,
      { details: { libdir } },
    );
}
