import { type AppConfig, cloudCredentials } from '../config/app-config.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import { AUTO_FLAVOR_PREFIX, targetId } from '../graph/target-writer.js';
import type { OpenStackClient } from '../providers/openstack/openstack-client.js';
import type { FlavorMatch, FlavorMatcher } from './flavor-matcher.js';
import { openStackClientFor } from './openstack-inventory-fetcher.js';
import { resolveProject } from './target-scope.js';
import { resolveVmRefs } from './vm-resolver.js';

/** Name of the right-sized flavor for a shape: boot from volume, so only vCPU and RAM matter. */
export const autoFlavorName = (vcpus: number, ramMB: number): string =>
  `${AUTO_FLAVOR_PREFIX}${vcpus}c-${ramMB}m`;

/**
 * Opt-in (cloud setting autoCreateFlavors): creates a private, boot-from-volume flavor of exactly the VM's size,
 * shares it with the project, records it in the twin, and returns the new match. Refused when not enabled.
 */
export class FlavorProvisioner {
  constructor(
    private readonly graph: GraphClient,
    private readonly config: AppConfig,
    private readonly flavors: FlavorMatcher,
    private readonly clientFor: (cloud: string) => OpenStackClient = (cloud) =>
      openStackClientFor(cloudCredentials(config, cloud)),
  ) {}

  async ensureFor(vmRef: string, cloud: string, projectRef: string | null): Promise<FlavorMatch> {
    const { endpoint } = cloudCredentials(this.config, cloud);
    if (!endpoint.autoCreateFlavors) {
      throw new FfoError(
        ErrorCode.FORBIDDEN,
        `automatic flavor creation is off for cloud "${cloud}" (enable autoCreateFlavors / FFO_AUTO_CREATE_FLAVORS=1)`,
        { details: { cloud } },
      );
    }
    const scope = await resolveProject(this.graph, cloud, projectRef);
    const { ids, problems } = await resolveVmRefs(this.graph, [vmRef]);
    if (problems.size > 0)
      throw new FfoError(ErrorCode.NOT_FOUND, problems.get(vmRef)!, { details: { vm: vmRef } });
    const vmId = ids.get(vmRef)!;
    const [current] = await this.flavors.matchIds([vmId], scope, 0);
    if (current?.flavor && current.flavor.waste === 0) return current;
    const [sized] = await this.graph.read('flavor-match', {
      vmIds: [vmId],
      cloudId: cloud,
      projectOpenstackId: scope.openstackId,
      limit: 0,
    });
    const vcpus = Number(sized!.numCpu);
    const ramMB = Number(sized!.memoryMB);
    const name = autoFlavorName(vcpus, ramMB);
    const client = this.clientFor(cloud);
    try {
      const existing = (await client.listFlavors()).find((f) => f.name === name);
      const flavor =
        existing ??
        (await client.createFlavor({
          name,
          vcpus,
          ram: ramMB,
          disk: 0,
          'os-flavor-access:is_public': false,
          description: `created by FFO Twin for ${String(sized!.vmName)}`,
        }));
      if (!existing) await client.addFlavorAccess(flavor.id, scope.openstackId);
      await this.graph.write('target-upsert-flavors', {
        cloudId: cloud,
        runId: `auto-flavor:${flavor.id}`,
        rows: [
          {
            id: targetId(cloud, flavor.id),
            props: {
              openstackId: flavor.id,
              name,
              vcpus,
              ramMB,
              diskGB: 0,
              isPublic: false,
              extraSpecs: '{}',
              requiresGpu: false,
              accessProjectIds: [scope.openstackId],
              autoCreated: true,
            },
          },
        ],
      });
    } finally {
      await client.close();
    }
    const [match] = await this.flavors.matchIds([vmId], scope);
    return match!;
  }
}
