// Environment for libguestfs tools (guestfish, virt-v2v, virt-customize). A host can expose /dev/kvm
// without hardware virtualisation reaching the guest (nested virt off): the appliance then hangs right
// after "Booting from ROM" instead of failing. So acceleration is detected, never assumed.

import { closeSync, constants, openSync, readFileSync } from 'node:fs';

export type LibguestfsAccel = 'kvm' | 'tcg';

export interface LibguestfsEnvironment {
  /** Variables to pass to every libguestfs tool (merged over process.env by the caller or the runner). */
  env: Record<string, string>;
  accel: LibguestfsAccel;
  /** Why this acceleration was chosen, for logs and reports. */
  reason: string;
}

export interface LibguestfsHostFacts {
  /** Contents of /proc/cpuinfo ('' when unreadable). */
  cpuinfo: string;
  /** Whether /dev/kvm exists and can be opened read-write by this process. */
  kvmOpenable: boolean;
  /** Value of FFO_LIBGUESTFS_FORCE_TCG: '1' forces TCG, '0' forces KVM, anything else means detect. */
  forceTcg?: string | undefined;
  /** Current PATH; Debian's tools go first because pyenv/nvm shims shadow python3 and friends. */
  path?: string | undefined;
  /** LIBGUESTFS_BACKEND already chosen by the operator, kept as-is. */
  backend?: string | undefined;
}

const HW_VIRT_FLAG = /^flags\s*:.*\b(vmx|svm)\b/m;

/** Debian's binaries first, then the rest of PATH without duplicates. */
export function debianFirstPath(path: string | undefined): string {
  const head = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const rest = (path ?? '').split(':').filter((p) => p !== '' && !head.includes(p));
  return [...head, ...rest].join(':');
}

/** Pure decision, unit-tested with recorded cpuinfo text. */
export function decideLibguestfsEnvironment(facts: LibguestfsHostFacts): LibguestfsEnvironment {
  let accel: LibguestfsAccel;
  let reason: string;
  if (facts.forceTcg === '1') {
    accel = 'tcg';
    reason = 'FFO_LIBGUESTFS_FORCE_TCG=1';
  } else if (facts.forceTcg === '0') {
    accel = 'kvm';
    reason = 'FFO_LIBGUESTFS_FORCE_TCG=0';
  } else if (!facts.kvmOpenable) {
    accel = 'tcg';
    reason = '/dev/kvm is missing or cannot be opened';
  } else if (!HW_VIRT_FLAG.test(facts.cpuinfo)) {
    // /dev/kvm without vmx/svm is the nested-virt case where KVM guests hang instead of failing.
    accel = 'tcg';
    reason = 'no vmx/svm CPU flag although /dev/kvm exists (nested virtualisation unavailable)';
  } else {
    accel = 'kvm';
    reason = '/dev/kvm is usable and the CPU has hardware virtualisation';
  }
  // The direct backend needs no libvirtd; an operator's explicit choice wins.
  const env: Record<string, string> = {
    LIBGUESTFS_BACKEND: facts.backend !== undefined && facts.backend !== '' ? facts.backend : 'direct',
    PATH: debianFirstPath(facts.path),
  };
  if (accel === 'tcg') env.LIBGUESTFS_BACKEND_SETTINGS = 'force_tcg';
  return { env, accel, reason };
}

function kvmOpenable(): boolean {
  try {
    closeSync(openSync('/dev/kvm', constants.O_RDWR));
    return true;
  } catch {
    return false;
  }
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/** Detects on every call: it is cheap, and the override variable may change between calls (tests). */
export function libguestfsEnvironment(): LibguestfsEnvironment {
  return decideLibguestfsEnvironment({
    cpuinfo: readCpuinfo(),
    kvmOpenable: kvmOpenable(),
    forceTcg: process.env.FFO_LIBGUESTFS_FORCE_TCG,
    path: process.env.PATH,
    backend: process.env.LIBGUESTFS_BACKEND,
  });
}
