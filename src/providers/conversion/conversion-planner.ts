// Chooses how much conversion a copied guest needs. A full virt-v2v run takes ~10 min under TCG (mostly
// rebuilding the initramfs) and ~1 min on KVM; a modern Linux guest that already carries virtio drivers
// only needs its device names fixed, which takes seconds.

import type { GuestInspection } from './guest-inspector.js';

export type ConversionPath = 'minimal' | 'full' | 'windows' | 'none';

export interface ConversionPlan {
  path: ConversionPath;
  /** One human sentence: what was found and what will be done. */
  reason: string;
}

export interface ConversionVmFacts {
  /** vSphere guestId (e.g. debian12_64Guest, windows2019srv_64Guest): the fallback when inspection finds nothing. */
  guestId?: string | null;
  firmware?: 'bios' | 'efi' | null;
}

function describe(inspection: GuestInspection): string {
  const version =
    inspection.majorVersion > 0
      ? ` ${inspection.majorVersion}${inspection.minorVersion > 0 ? `.${inspection.minorVersion}` : ''}`
      : '';
  return `${inspection.distro}${version}`;
}

function missingVirtio(inspection: GuestInspection): string {
  if (inspection.kernels.length === 0) return 'no kernel found in /boot';
  const missing = new Set<string>();
  for (const k of inspection.kernels) {
    if (k.virtioBlk === 'missing') missing.add(`virtio_blk (${k.version})`);
    if (k.virtioPci === 'missing') missing.add(`virtio_pci (${k.version})`);
    if (k.virtioNet === 'missing') missing.add(`virtio_net (${k.version})`);
  }
  if (missing.size > 0) return `kernel lacks ${[...missing].join(', ')}`;
  const { tool, policy } = inspection.initramfs;
  return `the ${tool} initramfs${policy ? ` (${policy})` : ''} does not carry virtio_blk`;
}

export function planConversion(
  inspection: GuestInspection | null,
  vm: ConversionVmFacts = {},
): ConversionPlan {
  const guestId = vm.guestId ?? '';
  const firmware = vm.firmware ? `, ${vm.firmware} firmware` : '';
  if (!inspection || inspection.osType === 'unknown') {
    if (/^win/i.test(guestId))
      return {
        path: 'windows',
        reason: `no OS found by inspection, guestId ${guestId} says Windows → Windows conversion (needs virtio-win)`,
      };
    return {
      path: 'full',
      reason: `no OS found by inspection${guestId ? ` (guestId ${guestId})` : ''} → full virt-v2v conversion decides`,
    };
  }
  if (inspection.osType === 'windows')
    return {
      path: 'windows',
      reason: `${inspection.productName} → Windows conversion with virtio-win drivers${firmware}`,
    };
  const name = describe(inspection);
  if (inspection.osType !== 'linux')
    return {
      path: 'full',
      reason: `${inspection.osType} ${name} is not handled by the minimal path → full conversion`,
    };
  if (!inspection.virtioDrivers)
    return {
      path: 'full',
      reason: `${name}: ${missingVirtio(inspection)} → full virt-v2v conversion${firmware}`,
    };
  if (inspection.grubConfigPath === null)
    return {
      path: 'full',
      reason: `${name} with virtio drivers but no GRUB 2 configuration found → full conversion`,
    };

  const work: string[] = [];
  if (inspection.fstabDeviceNames.length > 0 || inspection.grubReferencesDeviceNames)
    work.push('fstab and grub device names');
  if (inspection.nicNames.length > 0) work.push(`NIC names ${inspection.nicNames.join(', ')} pinned by MAC`);
  if (work.length === 0)
    return {
      path: 'none',
      reason: `${name} with virtio drivers and UUID-based boot config → no conversion needed`,
    };
  return {
    path: 'minimal',
    reason: `${name} with virtio drivers → minimal path: ${work.join(', ')} only${firmware}`,
  };
}
