import type { ConversionChoice } from '../migration-types.js';

export type ConversionPath = 'none' | 'minimal' | 'full' | 'windows';

export interface ConversionOutcome {
  path: ConversionPath;
  reason: string;
  /** What was changed in the guest (files rewritten, drivers injected). */
  changes: string[];
  seconds: number;
}

export interface ConversionRequest {
  choice: ConversionChoice;
  guestId: string | null;
  firmware: string | null;
  /** Source NIC MACs in order, to keep interface names stable on virtio. */
  macs: string[];
  onMessage(text: string): void;
  signal: AbortSignal;
}

/** Makes the guest on a target disk boot on KVM/virtio (libguestfs-based in this project). */
export interface OsConverter {
  convert(
    disk: { kind: 'file'; path: string } | { kind: 'block'; device: string },
    request: ConversionRequest,
  ): Promise<ConversionOutcome>;
}
