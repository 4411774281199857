import { readInventory } from '../providers/vsphere/inventory-reader.js';
import { withVimSession } from '../providers/vsphere/vim-session.js';
import type { InventoryFetcher } from './source-discovery.js';

/** One discovery session reads the whole inventory. */
export const fetchVSphereInventory: InventoryFetcher = (connection) =>
  withVimSession(connection, (client) => readInventory(client));
