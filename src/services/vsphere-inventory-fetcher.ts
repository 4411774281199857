import type { InventoryFetcher } from './source-discovery.js';
import { ErrorCode, FfoError } from '../errors/index.js';

// Placeholder until the SOAP client lands in src/providers/vsphere (replaced in the same change set).
export const fetchVSphereInventory: InventoryFetcher = async () => {
  throw new FfoError(ErrorCode.INTERNAL, 'vSphere client not wired yet');
};
