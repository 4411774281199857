import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import { CapacityPlanner, type CapacityReport } from './capacity-planner.js';
import type { AppConfig } from '../config/app-config.js';
import { FlavorMatcher } from './flavor-matcher.js';
import { FlavorProvisioner } from './flavor-provisioner.js';
import { NetworkMapper } from './network-mapper.js';
import { ReadinessService, type VmReadiness } from './readiness-service.js';
import { StorageMapper } from './storage-mapper.js';
import { type ProjectScope, resolveProject } from './target-scope.js';
import { resolveVmRefs } from './vm-resolver.js';

/**
 * Planning services over the twin, sharing one graph client. All are what-ifs (nothing is created in OpenStack)
 * except the opt-in flavor provisioner.
 */
export class MigrationPlanning {
  readonly flavors: FlavorMatcher;
  readonly networks: NetworkMapper;
  readonly storage: StorageMapper;
  readonly readiness: ReadinessService;
  readonly capacity: CapacityPlanner;
  readonly provisioner: FlavorProvisioner;

  constructor(
    private readonly graph: GraphClient,
    config: AppConfig,
  ) {
    this.flavors = new FlavorMatcher(graph);
    this.networks = new NetworkMapper(graph);
    this.storage = new StorageMapper(graph);
    this.readiness = new ReadinessService(graph, this.flavors);
    this.capacity = new CapacityPlanner(graph, this.flavors, this.readiness);
    this.provisioner = new FlavorProvisioner(graph, config, this.flavors);
  }

  /** VM refs to ids (null = every live VM), refusing unknown or ambiguous refs as a whole. */
  async vmIds(refs: string[] | null): Promise<string[]> {
    if (refs === null) return (await this.graph.read('vm-live-ids')).map((r) => r.id as string);
    const { ids, problems } = await resolveVmRefs(this.graph, refs);
    if (problems.size > 0) {
      throw new FfoError(ErrorCode.NOT_FOUND, [...problems.values()].join('; '), {
        details: { vms: [...problems.keys()] },
      });
    }
    return refs.map((ref) => ids.get(ref)!);
  }

  scope(cloud: string, project: string | null): Promise<ProjectScope> {
    return resolveProject(this.graph, cloud, project);
  }

  async readinessOf(refs: string[] | null, cloud: string, project: string | null): Promise<VmReadiness[]> {
    const scope = await this.scope(cloud, project);
    return this.readiness.assess(await this.vmIds(refs), scope);
  }

  async capacityOf(refs: string[] | null, cloud: string, project: string | null): Promise<CapacityReport> {
    const scope = await this.scope(cloud, project);
    return this.capacity.report(await this.vmIds(refs), scope);
  }

  /** Readiness in numbers: how many VMs are ready, and how often each concern occurs. */
  async readinessSummary(refs: string[] | null, cloud: string, project: string | null) {
    const all = await this.readinessOf(refs, cloud, project);
    const byConcern = new Map<string, number>();
    for (const vm of all) {
      for (const code of new Set(vm.concerns.map((c) => `${c.severity}:${c.code}`))) {
        byConcern.set(code, (byConcern.get(code) ?? 0) + 1);
      }
    }
    return {
      vms: all.length,
      ready: all.filter((vm) => vm.ready).length,
      blocked: all.filter((vm) => !vm.ready).length,
      byConcern: [...byConcern]
        .map(([key, count]) => ({ key, count }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    };
  }
}
