import { ErrorCode, FfoError } from '../../errors/index.js';
import { planConversion, type ConversionPlan } from '../../providers/conversion/conversion-planner.js';
import { inspectGuest, type GuestInspection } from '../../providers/conversion/guest-inspector.js';
import type { NicPin } from '../../providers/conversion/linux-device-names.js';
import { fixLinuxDeviceNames } from '../../providers/conversion/minimal-linux-fixer.js';
import { convertLinuxFull } from '../../providers/conversion/virt-v2v-runner.js';
import type { ConversionOutcome, ConversionRequest, OsConverter } from './os-converter.js';

/** Interface names can be kept on virtio only when the guest names as many NICs as the VM has. */
function nicPins(inspection: GuestInspection, macs: string[]): NicPin[] {
  if (inspection.nicNames.length === 0 || inspection.nicNames.length !== macs.length) return [];
  return inspection.nicNames.map((name, i) => ({ mac: macs[i]!, name }));
}

/**
 * Inspection first (one read-only libguestfs launch), then the cheapest path that makes the guest boot on
 * virtio: the minimal fix (device names, NIC names) for modern Linux with virtio drivers, virt-v2v-in-place plus
 * the same fix otherwise. Windows needs virtio-win, which this host does not have.
 */
export class LibguestfsOsConverter implements OsConverter {
  async convert(
    disk: { kind: 'file'; path: string } | { kind: 'block'; device: string },
    request: ConversionRequest,
  ): Promise<ConversionOutcome> {
    const started = Date.now();
    const file = disk.kind === 'file' ? disk.path : disk.device;
    if (request.choice === 'none') {
      return { path: 'none', reason: 'conversion: NONE requested', changes: [], seconds: 0 };
    }
    const inspection = await inspectGuest([file], { signal: request.signal, format: 'raw' });
    const noOs = inspection.osType === 'unknown';
    const plan: ConversionPlan =
      request.choice === 'minimal' || request.choice === 'full'
        ? { path: request.choice, reason: `${request.choice.toUpperCase()} requested` }
        : noOs
          ? // virt-v2v cannot convert what inspection cannot see either: the disks are moved as they are.
            { path: 'none', reason: 'inspection found no operating system: the disks are copied as they are' }
          : planConversion(inspection, {
              guestId: request.guestId,
              firmware: request.firmware === 'efi' ? 'efi' : request.firmware === 'bios' ? 'bios' : null,
            });
    request.onMessage(
      `inspection: ${inspection.osType} ${inspection.distro} ${inspection.majorVersion}; ${plan.reason}`,
    );
    const pins = nicPins(inspection, request.macs);
    const seconds = (): number => (Date.now() - started) / 1000;
    switch (plan.path) {
      case 'none':
        return { path: 'none', reason: plan.reason, changes: [], seconds: seconds() };
      case 'minimal': {
        const fix = await fixLinuxDeviceNames([file], {
          nics: pins,
          signal: request.signal,
          format: 'raw',
          backup: true,
        });
        return {
          path: 'minimal',
          reason: plan.reason,
          changes: fix.changes.map((c) => `${c.action} ${c.path}`),
          seconds: seconds(),
        };
      }
      case 'full': {
        const result = await convertLinuxFull([file], {
          signal: request.signal,
          format: 'raw',
          nics: pins,
          onMessage: (type, text) => {
            if (type === 'message' || type === 'warning' || type === 'error')
              request.onMessage(`virt-v2v ${type}: ${text}`);
          },
        });
        return {
          path: 'full',
          reason: plan.reason,
          changes: ['virt-v2v-in-place', ...result.fix.changes.map((c) => `${c.action} ${c.path}`)],
          seconds: seconds(),
        };
      }
      case 'windows':
        throw new FfoError(
          ErrorCode.CONVERSION_FAILED,
          `${plan.reason}: Windows conversion needs virtio-win (VIRTIO_WIN), which is not configured on this host`,
        );
    }
  }
}
