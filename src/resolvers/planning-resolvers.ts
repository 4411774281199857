import type { ApiContext } from '../api/api-context.js';

type Ctx = ApiContext;

/** Target planning (flavors, networks, storage, readiness, capacity): what-ifs over the twin. */
export const planningQueryResolvers = {
  flavorMatches: (
    _: unknown,
    args: { vms: string[]; cloud: string; project?: string | null; alternatives: number },
    { services }: Ctx,
  ) => services.planning.flavors.match(args.vms, args.cloud, args.project ?? null, args.alternatives),

  networkMappingProposals: (_: unknown, args: { cloud: string }, { services }: Ctx) =>
    services.planning.networks.proposals(args.cloud),

  networkMappingGaps: async (_: unknown, args: { cloud: string; vms?: string[] | null }, { services }: Ctx) =>
    services.planning.networks.gaps(args.cloud, args.vms ? await services.planning.vmIds(args.vms) : null),

  migrationReadiness: (
    _: unknown,
    args: { cloud: string; project?: string | null; vms?: string[] | null },
    { services }: Ctx,
  ) => services.planning.readinessOf(args.vms ?? null, args.cloud, args.project ?? null),

  migrationReadinessSummary: (
    _: unknown,
    args: { cloud: string; project?: string | null; vms?: string[] | null },
    { services }: Ctx,
  ) => services.planning.readinessSummary(args.vms ?? null, args.cloud, args.project ?? null),

  capacityReport: (
    _: unknown,
    args: { cloud: string; project?: string | null; vms?: string[] | null },
    { services }: Ctx,
  ) => services.planning.capacityOf(args.vms ?? null, args.cloud, args.project ?? null),
};

export const planningMutationResolvers = {
  setFlavorOverride: (
    _: unknown,
    args: { vm: string; cloud: string; flavor: string; project?: string | null },
    { services, principal }: Ctx,
  ) =>
    services.planning.flavors.setOverride(
      args.vm,
      args.cloud,
      args.flavor,
      args.project ?? null,
      principal.subject,
    ),

  clearFlavorOverride: async (_: unknown, args: { vm: string; cloud: string }, { services }: Ctx) =>
    services.planning.flavors.clearOverride(args.vm, args.cloud),

  mapPortGroup: (
    _: unknown,
    args: { portGroup: string; network: string; subnet?: string | null; cloud?: string | null },
    { services, principal }: Ctx,
  ) =>
    services.planning.networks.map(
      args.portGroup,
      args.cloud ?? args.network.split('/')[0]!,
      args.network,
      args.subnet ?? null,
      principal.subject,
    ),

  confirmNetworkMappingProposals: (
    _: unknown,
    args: { cloud: string; minScore: number },
    { services, principal }: Ctx,
  ) => services.planning.networks.confirmProposals(args.cloud, args.minScore, principal.subject),

  mapDatastore: (
    _: unknown,
    args: { datastore: string; volumeType: string; cloud: string },
    { services }: Ctx,
  ) => services.planning.storage.map(args.datastore, args.cloud, args.volumeType),

  setDefaultVolumeType: (_: unknown, args: { cloud: string; volumeType: string }, { services }: Ctx) =>
    services.planning.storage.setDefault(args.cloud, args.volumeType),

  autoCreateFlavor: (
    _: unknown,
    args: { vm: string; cloud: string; project?: string | null },
    { services }: Ctx,
  ) => services.planning.provisioner.ensureFor(args.vm, args.cloud, args.project ?? null),

  planNicAddress: (_: unknown, args: { nic: string; fixedIp: string }, { services }: Ctx) =>
    services.planning.networks.planNicAddress(args.nic, args.fixedIp),
};

export const vmFieldResolvers = {
  flavorMatch: async (
    source: { id: string },
    args: { cloud: string; project?: string | null },
    { services }: Ctx,
  ) => {
    const scope = await services.planning.scope(args.cloud, args.project ?? null);
    const [match] = await services.planning.flavors.matchIds([source.id], scope);
    return match ?? null;
  },
};
