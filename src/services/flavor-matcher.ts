import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import { type ProjectScope, resolveProject } from './target-scope.js';
import { resolveVmRefs } from './vm-resolver.js';

export interface FlavorChoice {
  id: string;
  name: string;
  vcpus: number;
  ramMB: number;
  diskGB: number;
  bootFromVolume: boolean;
  /** extra vCPU / vCPU + extra RAM / RAM; 0 is an exact fit. */
  waste: number;
}

export interface FlavorMatch {
  vmId: string;
  vmName: string;
  flavor: FlavorChoice | null;
  reason: string;
  overridden: boolean;
  alternatives: FlavorChoice[];
}

interface SizedVm {
  numCpu: number;
  memoryMB: number;
  bootDiskBytes: number | null;
  hasGpu: boolean;
}

interface FlavorFacts {
  vcpus: number;
  ramMB: number;
  diskGB: number;
  isPublic: boolean;
  accessProjectIds: string[];
  requiresGpu: boolean;
}

export const wasteOf = (vm: SizedVm, f: { vcpus: number; ramMB: number }): number =>
  (f.vcpus - vm.numCpu) / Math.max(vm.numCpu, 1) + (f.ramMB - vm.memoryMB) / Math.max(vm.memoryMB, 1);

/** Why a flavor cannot host a VM; empty when it can. The same rules as cypher/flavor-match.cypher. */
export function fitProblems(vm: SizedVm, flavor: FlavorFacts, projectOpenstackId: string): string[] {
  const problems: string[] = [];
  if (flavor.vcpus < vm.numCpu) problems.push(`${flavor.vcpus} vCPU < the VM's ${vm.numCpu}`);
  if (flavor.ramMB < vm.memoryMB) problems.push(`${flavor.ramMB} MB RAM < the VM's ${vm.memoryMB} MB`);
  if (flavor.diskGB > 0 && vm.bootDiskBytes !== null && flavor.diskGB * 2 ** 30 < vm.bootDiskBytes) {
    problems.push(
      `root disk ${flavor.diskGB} GB < the boot disk ${Math.ceil(vm.bootDiskBytes / 2 ** 30)} GB`,
    );
  }
  if (!flavor.isPublic && !flavor.accessProjectIds.includes(projectOpenstackId)) {
    problems.push('private flavor not shared with the project');
  }
  if (flavor.requiresGpu && !vm.hasGpu) problems.push('needs a GPU the VM does not have');
  return problems;
}

export function describeChoice(vm: SizedVm, choice: FlavorChoice, overridden: boolean): string {
  const parts: string[] = [];
  if (overridden) parts.push('explicit override');
  else if (choice.waste === 0) parts.push(`exact fit ${choice.vcpus} vCPU / ${choice.ramMB} MB`);
  else {
    parts.push(
      `next size up: +${choice.vcpus - vm.numCpu} vCPU, +${choice.ramMB - vm.memoryMB} MB RAM (waste ${choice.waste.toFixed(2)})`,
    );
  }
  parts.push(choice.bootFromVolume ? 'boot from volume' : `${choice.diskGB} GB root disk`);
  return parts.join('; ');
}

/** Chooses a flavor per VM from the twin's catalogue of a cloud; an explicit override wins when it still fits. */
export class FlavorMatcher {
  constructor(private readonly graph: GraphClient) {}

  async match(
    vmRefs: string[],
    cloud: string,
    projectRef: string | null,
    alternatives = 3,
  ): Promise<FlavorMatch[]> {
    const scope = await resolveProject(this.graph, cloud, projectRef);
    const { ids, problems } = await resolveVmRefs(this.graph, vmRefs);
    if (problems.size > 0) {
      throw new FfoError(ErrorCode.NOT_FOUND, [...problems.values()].join('; '), {
        details: { vms: [...problems.keys()] },
      });
    }
    return this.matchIds([...ids.values()], scope, alternatives);
  }

  async matchIds(vmIds: string[], scope: ProjectScope, alternatives = 3): Promise<FlavorMatch[]> {
    const rows = await this.graph.read('flavor-match', {
      vmIds,
      cloudId: scope.cloudId,
      projectOpenstackId: scope.openstackId,
      limit: alternatives + 1,
    });
    return rows.map((row) => {
      const vm: SizedVm = {
        numCpu: row.numCpu as number,
        memoryMB: row.memoryMB as number,
        bootDiskBytes: (row.bootDiskBytes as number | null) ?? null,
        hasGpu: Boolean(row.hasGpu),
      };
      const candidates = row.candidates as FlavorChoice[];
      const override = row.override as (FlavorChoice & FlavorFacts & { removed: boolean }) | null;
      const base = { vmId: row.vmId as string, vmName: row.vmName as string };
      if (override) {
        const problems = override.removed
          ? ['the flavor no longer exists']
          : fitProblems(vm, override, scope.openstackId);
        if (problems.length === 0) {
          const choice: FlavorChoice = {
            id: override.id,
            name: override.name,
            vcpus: override.vcpus,
            ramMB: override.ramMB,
            diskGB: override.diskGB,
            bootFromVolume: override.bootFromVolume,
            waste: wasteOf(vm, override),
          };
          return {
            ...base,
            flavor: choice,
            reason: describeChoice(vm, choice, true),
            overridden: true,
            alternatives: candidates.slice(0, alternatives),
          };
        }
        return {
          ...base,
          flavor: null,
          reason: `override ${override.name} no longer fits: ${problems.join('; ')}`,
          overridden: true,
          alternatives: candidates.slice(0, alternatives),
        };
      }
      const [best, ...rest] = candidates;
      if (!best) {
        return {
          ...base,
          flavor: null,
          reason: `no flavor in cloud ${scope.cloudId} offers >= ${vm.numCpu} vCPU and >= ${vm.memoryMB} MB RAM (public or shared with ${scope.name}${vm.hasGpu ? '' : ', without GPU'})`,
          overridden: false,
          alternatives: [],
        };
      }
      return {
        ...base,
        flavor: best,
        reason: describeChoice(vm, best, false),
        overridden: false,
        alternatives: rest,
      };
    });
  }

  /** Sets an explicit flavor for a VM after checking it fits (never undersized, shared, no GPU it lacks). */
  async setOverride(
    vmRef: string,
    cloud: string,
    flavorRef: string,
    projectRef: string | null,
    setBy: string,
  ): Promise<FlavorMatch> {
    const scope = await resolveProject(this.graph, cloud, projectRef);
    const { ids, problems } = await resolveVmRefs(this.graph, [vmRef]);
    if (problems.size > 0)
      throw new FfoError(ErrorCode.NOT_FOUND, problems.get(vmRef)!, { details: { vm: vmRef } });
    const [flavor] = await this.graph.read('flavor-get', { cloudId: cloud, ref: flavorRef });
    if (!flavor) throw new FfoError(ErrorCode.NOT_FOUND, `no flavor "${flavorRef}" in cloud "${cloud}"`);
    const vmId = ids.get(vmRef)!;
    const [sized] = await this.graph.read('flavor-match', {
      vmIds: [vmId],
      cloudId: cloud,
      projectOpenstackId: scope.openstackId,
      limit: 0,
    });
    const vm: SizedVm = {
      numCpu: sized!.numCpu as number,
      memoryMB: sized!.memoryMB as number,
      bootDiskBytes: (sized!.bootDiskBytes as number | null) ?? null,
      hasGpu: Boolean(sized!.hasGpu),
    };
    const misfit = fitProblems(vm, flavor as unknown as FlavorFacts, scope.openstackId);
    if (misfit.length > 0) {
      throw new FfoError(
        ErrorCode.FLAVOR_DOES_NOT_FIT,
        `flavor ${String(flavor.name)} cannot host ${String(sized!.vmName)}: ${misfit.join('; ')}`,
        {
          details: { vm: vmId, flavor: flavor.id, problems: misfit },
        },
      );
    }
    await this.graph.write('flavor-override-set', {
      vmId,
      flavorId: flavor.id,
      now: new Date().toISOString(),
      setBy,
    });
    const [result] = await this.matchIds([vmId], scope);
    return result!;
  }

  async clearOverride(vmRef: string, cloud: string): Promise<boolean> {
    const { ids, problems } = await resolveVmRefs(this.graph, [vmRef]);
    if (problems.size > 0)
      throw new FfoError(ErrorCode.NOT_FOUND, problems.get(vmRef)!, { details: { vm: vmRef } });
    const [row] = await this.graph.write('flavor-override-clear', { vmId: ids.get(vmRef), cloudId: cloud });
    return Number(row?.cleared ?? 0) > 0;
  }
}
