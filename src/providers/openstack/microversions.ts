// Microversion headers. Without them Nova and Cinder answer at their base version (2.1 / 3.0), which lacks
// fields we rely on (inline flavor extra specs 2.61, attachments API 3.27, attachment mode 3.54).

import type { ServiceType } from './service-catalog.js';

export interface Microversions {
  compute: string;
  volume: string;
  placement: string;
}

/**
 * compute 2.79: flavor extra specs inline (2.61), hypervisor ids are UUIDs (2.53) and os-hypervisors/detail
 * still reports vcpus/memory_mb (dropped in 2.88). volume 3.60: attachments with mode, filter by time.
 * placement 1.14: nested providers (parent/root uuid). All are below Zed's maxima (2.93 / 3.70 / 1.39).
 */
export const DEFAULT_MICROVERSIONS: Readonly<Microversions> = {
  compute: '2.79',
  volume: '3.60',
  placement: '1.14',
};

/** Headers selecting the microversion for a request to `service`; empty for unversioned services. */
export function microversionHeaders(
  service: ServiceType,
  versions: Microversions,
  override?: string,
): Record<string, string> {
  switch (service) {
    case 'compute': {
      const v = override ?? versions.compute;
      // The legacy header is what Nova before Mitaka (and some proxies) understand; both are harmless.
      return { 'openstack-api-version': `compute ${v}`, 'x-openstack-nova-api-version': v };
    }
    case 'block-storage':
      return { 'openstack-api-version': `volume ${override ?? versions.volume}` };
    case 'placement':
      return { 'openstack-api-version': `placement ${override ?? versions.placement}` };
    default:
      return {};
  }
}
