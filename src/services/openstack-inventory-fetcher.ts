import type { CloudEndpoint } from '../config/app-config.js';
import { OpenStackClient } from '../providers/openstack/openstack-client.js';
import { readTargetInventory } from '../providers/openstack/target-inventory-reader.js';
import type { TargetInventoryFetcher } from './target-discovery.js';

/** A client for a configured cloud, authenticated to its configured project. */
export function openStackClientFor({
  endpoint,
  password,
  ca,
}: {
  endpoint: CloudEndpoint;
  password: string;
  ca: string | null;
}): OpenStackClient {
  return new OpenStackClient({
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
}

/** One target discovery: authenticate to the configured project, read everything, release the connections. */
export const fetchOpenStackInventory: TargetInventoryFetcher = async (credentials) => {
  const client = openStackClientFor(credentials);
  try {
    const inventory = await readTargetInventory(client);
    // The project's servers, for name-collision checks.
    const servers = (await client.listServers()).map((s) => ({
      id: s.id,
      name: s.name ?? s.id,
      status: s.status ?? null,
    }));
    return { ...inventory, servers };
  } finally {
    await client.close();
  }
};
