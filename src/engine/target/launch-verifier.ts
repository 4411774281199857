// What is really there after a launch, checked against the plan: the engine fails the migration
// (VERIFY_FAILED) when a check does not hold. Ports are not required to be ACTIVE: with no agent plugging
// them (as in the lab, or before the guest's first boot on some backends) they stay DOWN.
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';

export interface LaunchExpectation {
  flavorId: string;
  ports: { id: string; mac: string }[];
  volumeIds: string[];
}

export interface LaunchCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface LaunchVerification {
  ok: boolean;
  checks: LaunchCheck[];
}

const BAD_VIF_TYPES = new Set(['binding_failed', 'unbound', '']);

export async function verifyLaunch(
  client: OpenStackApi,
  serverId: string,
  expected: LaunchExpectation,
): Promise<LaunchVerification> {
  const checks: LaunchCheck[] = [];
  const check = (name: string, ok: boolean, detail: string): void => {
    checks.push({ name, ok, detail });
  };
  const server = await client.getServer(serverId);
  check('server.status', server.status === 'ACTIVE', `status ${server.status ?? 'unknown'}`);

  const flavor = await client.getFlavor(expected.flavorId).catch(() => null);
  const actual = server.flavor;
  const flavorOk =
    flavor !== null &&
    actual !== undefined &&
    (actual.id === flavor.id || actual.original_name === flavor.name) &&
    (actual.vcpus === undefined || actual.vcpus === flavor.vcpus) &&
    (actual.ram === undefined || actual.ram === flavor.ram);
  check(
    'server.flavor',
    flavorOk,
    `expected ${flavor?.name ?? expected.flavorId}, server has ${actual?.original_name ?? actual?.id ?? 'none'} (${actual?.vcpus ?? '?'} vCPU, ${actual?.ram ?? '?'} MB)`,
  );

  for (const expectedPort of expected.ports) {
    const port = await client.getPort(expectedPort.id).catch(() => null);
    const name = `port ${expectedPort.id}`;
    if (port === null) {
      check(`${name}.exists`, false, 'not found');
      continue;
    }
    check(`${name}.device`, port.device_id === serverId, `device_id ${port.device_id || 'none'}`);
    const host = port['binding:host_id'] ?? '';
    check(`${name}.binding_host`, host !== '', `binding:host_id ${host || 'none'}`);
    const vif = port['binding:vif_type'] ?? '';
    check(`${name}.vif_type`, !BAD_VIF_TYPES.has(vif), `binding:vif_type ${vif || 'none'}`);
    const mac = port.mac_address?.toLowerCase() ?? '';
    check(
      `${name}.mac`,
      mac === expectedPort.mac.toLowerCase(),
      `mac ${mac || 'none'}, planned ${expectedPort.mac.toLowerCase()}`,
    );
  }

  const novaAttached = new Set((await client.listServerVolumeAttachments(serverId)).map((a) => a.volumeId));
  for (const volumeId of expected.volumeIds) {
    const name = `volume ${volumeId}`;
    const volume = await client.getVolume(volumeId).catch(() => null);
    if (volume === null) {
      check(`${name}.exists`, false, 'not found');
      continue;
    }
    const attachedHere = (volume.attachments ?? []).some((a) => a.server_id === serverId);
    check(
      `${name}.attached`,
      volume.status === 'in-use' && attachedHere && novaAttached.has(volumeId),
      `status ${volume.status ?? 'unknown'}, cinder attachment to this server: ${attachedHere}, nova: ${novaAttached.has(volumeId)}`,
    );
  }
  return { ok: checks.every((c) => c.ok), checks };
}
