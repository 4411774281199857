import { OpenStackClient } from '../providers/openstack/openstack-client.js';
import { readTargetInventory } from '../providers/openstack/target-inventory-reader.js';
import type { TargetInventoryFetcher } from './target-discovery.js';

/** One target discovery: authenticate to the configured project, read everything, release the connections. */
export const fetchOpenStackInventory: TargetInventoryFetcher = async ({ endpoint, password, ca }) => {
  const client = new OpenStackClient({
    authUrl: endpoint.authUrl,
    credentials: {
      username: endpoint.username,
      password,
      userDomainName: endpoint.userDomainName,
      projectName: endpoint.projectName,
      projectDomainName: endpoint.projectDomainName,
    },
    region: endpoint.region,
    interface: endpoint.interface,
    ...(ca ? { ca } : {}),
    insecure: endpoint.insecure,
  });
  try {
    return await readTargetInventory(client);
  } finally {
    await client.close();
  }
};
