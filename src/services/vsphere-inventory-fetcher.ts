import { readInventory } from '../providers/vsphere/inventory-reader.js';
import { VimClient } from '../providers/vsphere/vim-client.js';
import type { InventoryFetcher } from './source-discovery.js';

/** One discovery session: login, read the whole inventory, always log out and release the connection pool. */
export const fetchVSphereInventory: InventoryFetcher = async (connection) => {
  const client = new VimClient({
    url: connection.url,
    ...(connection.ca ? { ca: connection.ca } : {}),
    insecure: connection.insecure,
  });
  try {
    await client.login(connection.username, connection.password);
    try {
      return await readInventory(client);
    } finally {
      await client.logout().catch(() => undefined);
    }
  } finally {
    await client.close();
  }
};
