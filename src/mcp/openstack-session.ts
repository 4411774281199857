import { cloudCredentials } from '../config/app-config.js';
import type { OpenStackClient } from '../providers/openstack/openstack-client.js';
import { openStackClientFor } from '../services/openstack-inventory-fetcher.js';
import { chooseCloud } from '../services/target-cloud.js';
import type { McpDependencies } from './mcp-dependencies.js';

/** The named cloud or the only configured one (BAD_INPUT when there is a choice to make). */
export function cloudOf(deps: McpDependencies, cloud: string | undefined): string {
  return chooseCloud(cloud, [...deps.runtime.config.clouds.keys()], 'this tool');
}

/** An OpenStack client for one tool call, scoped to the cloud's configured project, closed afterwards. */
export async function withOpenStack<T>(
  deps: McpDependencies,
  cloud: string | undefined,
  work: (client: OpenStackClient, cloud: string) => Promise<T>,
): Promise<T> {
  const name = cloudOf(deps, cloud);
  const client = openStackClientFor(cloudCredentials(deps.runtime.config, name));
  try {
    return await work(client, name);
  } finally {
    await client.close();
  }
}
