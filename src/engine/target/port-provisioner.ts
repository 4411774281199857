// Neutron ports that keep the source NICs' MACs. Found again by name; a port elsewhere holding the MAC that is
// not ours is a clash the migration must not paper over (two NICs with one MAC on a network), so it is refused
// before anything is created.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';
import type { NeutronPort } from '../../providers/openstack/openstack-wire-types.js';
import { MIGRATION_KEY, isOwnedBy, metadataTags, ownerTag, type OwnedMetadata } from './target-ownership.js';

export interface EnsurePortSpec {
  name: string;
  networkId: string;
  macAddress: string;
  fixedIps?: { subnet_id: string; ip_address: string }[];
  description?: string;
  /** Owner (and more) as `k=v` tags on the port. */
  metadata: OwnedMetadata;
  securityGroups?: string[];
}

export interface EnsuredPort {
  port: NeutronPort;
  created: boolean;
}

export async function ensurePort(client: OpenStackApi, spec: EnsurePortSpec): Promise<EnsuredPort> {
  const migrationId = spec.metadata[MIGRATION_KEY];
  const mac = spec.macAddress.toLowerCase();
  const byName = (await client.listPorts({ query: { name: spec.name } })).filter((p) => p.name === spec.name);
  const mine = byName.find((p) => p.mac_address?.toLowerCase() === mac && p.network_id === spec.networkId);
  if (mine !== undefined) {
    let port = mine;
    // An earlier attempt may have been planned with other addresses: the plan of this attempt wins.
    if (spec.fixedIps !== undefined && !sameFixedIps(port.fixed_ips ?? [], spec.fixedIps))
      port = await client.updatePort(port.id, { fixed_ips: spec.fixedIps });
    if (!mine.tags?.includes(ownerTag(migrationId)))
      port = { ...port, tags: await client.setPortTags(mine.id, metadataTags(spec.metadata)) };
    return { port, created: false };
  }
  await assertMacsAvailable(client, [{ macAddress: mac, name: spec.name }], migrationId);
  const port = await client.createPort({
    name: spec.name,
    network_id: spec.networkId,
    mac_address: mac,
    ...(spec.fixedIps !== undefined ? { fixed_ips: spec.fixedIps } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.securityGroups !== undefined ? { security_groups: spec.securityGroups } : {}),
  });
  // Tags after the create: create-time tags need an extension not every cloud has; the name already marks it ours.
  const tags = await client.setPortTags(port.id, metadataTags(spec.metadata));
  return { port: { ...port, tags }, created: true };
}

/**
 * Refuses (OPENSTACK_CONFLICT) when any of the MACs is held by a port that is not the migration's: the engine
 * calls this before it creates volumes or servers, so a clash costs nothing to roll back.
 */
export async function assertMacsAvailable(
  client: OpenStackApi,
  wanted: { macAddress: string; name?: string }[],
  migrationId: string,
): Promise<void> {
  const clashes: {
    macAddress: string;
    portId: string;
    portName: string | null;
    networkId: string;
    deviceId: string | null;
  }[] = [];
  for (const w of wanted) {
    const mac = w.macAddress.toLowerCase();
    for (const p of await client.listPorts({ query: { mac_address: mac } })) {
      if (p.mac_address?.toLowerCase() !== mac) continue;
      if (isOwnedBy(p, migrationId) || (w.name !== undefined && p.name === w.name)) continue;
      clashes.push({
        macAddress: mac,
        portId: p.id,
        portName: p.name ?? null,
        networkId: p.network_id,
        deviceId: p.device_id ? p.device_id : null,
      });
    }
  }
  if (clashes.length > 0)
    throw new FfoError(
      ErrorCode.OPENSTACK_CONFLICT,
      `MAC address ${clashes.map((c) => `${c.macAddress} is already used by port ${c.portName ?? c.portId}`).join('; ')} (not this migration's)`,
      { details: { clashes } },
    );
}

function sameFixedIps(
  actual: readonly { subnet_id: string; ip_address: string }[],
  wanted: readonly { subnet_id: string; ip_address: string }[],
): boolean {
  const key = (ips: readonly { subnet_id: string; ip_address: string }[]): string =>
    ips
      .map((ip) => `${ip.subnet_id}/${ip.ip_address}`)
      .sort()
      .join(',');
  return key(actual) === key(wanted);
}
