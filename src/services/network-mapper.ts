import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import { parseIp } from './ip-address.js';

export interface PortGroupUse {
  id: string;
  name: string;
  kind: string;
  vlanId: number | null;
  vmNames: string[];
  mappedNetworkId: string | null;
  mappedNetworkName: string | null;
  subnetId: string | null;
}

export interface TargetNetwork {
  id: string;
  name: string;
  segmentationId: number | null;
  external: boolean | null;
  shared: boolean | null;
  subnets: { id: string; name: string | null; cidr: string }[];
}

export interface MappingProposal {
  portGroupId: string;
  portGroupName: string;
  networkId: string;
  networkName: string;
  subnetId: string | null;
  score: number;
  reason: string;
}

export interface MappingGap {
  portGroupId: string;
  portGroupName: string;
  vlanId: number | null;
  strandedVms: string[];
  proposals: MappingProposal[];
}

// Words that say "this is a network" rather than which one; they carry no signal for matching.
const NOISE = new Set([
  'pg',
  'dvpg',
  'net',
  'network',
  'vlan',
  'vm',
  'port',
  'group',
  'portgroup',
  'dv',
  'std',
]);

export function nameTokens(name: string): Set<string> {
  return new Set(
    name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 0 && !NOISE.has(t)),
  );
}

/** Jaccard similarity of the meaningful name tokens ("pg-app" ~ "net-app" = 1). */
export function nameSimilarity(a: string, b: string): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / (ta.size + tb.size - common);
}

/** Proposals for one port group: same VLAN id is the strongest signal, name similarity the next. */
export function proposeFor(pg: PortGroupUse, networks: TargetNetwork[]): MappingProposal[] {
  const proposals: MappingProposal[] = [];
  for (const net of networks) {
    const sameVlan = pg.vlanId !== null && pg.vlanId > 0 && net.segmentationId === pg.vlanId;
    const similarity = nameSimilarity(pg.name, net.name);
    const score = (sameVlan ? 0.6 : 0) + 0.4 * similarity;
    if (score < 0.3) continue;
    const reasons = [];
    if (sameVlan) reasons.push(`same VLAN ${pg.vlanId}`);
    if (similarity > 0) reasons.push(`name similarity ${similarity.toFixed(2)}`);
    proposals.push({
      portGroupId: pg.id,
      portGroupName: pg.name,
      networkId: net.id,
      networkName: net.name,
      subnetId: net.subnets.length === 1 ? net.subnets[0]!.id : null,
      score: Math.round(score * 100) / 100,
      reason: reasons.join(', '),
    });
  }
  return proposals.sort((a, b) => b.score - a.score || a.networkName.localeCompare(b.networkName));
}

/** Port group -> Neutron network mappings: proposals (until confirmed), confirmations, and the gaps left. */
export class NetworkMapper {
  constructor(private readonly graph: GraphClient) {}

  async inputs(
    cloud: string,
    vmIds: string[] | null,
  ): Promise<{ portGroups: PortGroupUse[]; networks: TargetNetwork[] }> {
    const [row] = await this.graph.read('network-mapping-inputs', { cloudId: cloud, vmIds });
    return {
      portGroups: (row?.portGroups as PortGroupUse[]) ?? [],
      networks: (row?.networks as TargetNetwork[]) ?? [],
    };
  }

  /** Unmapped port groups in use, each with the VMs it strands and the best proposals. */
  async gaps(cloud: string, vmIds: string[] | null = null): Promise<MappingGap[]> {
    const { portGroups, networks } = await this.inputs(cloud, vmIds);
    return portGroups
      .filter((pg) => !pg.mappedNetworkId)
      .map((pg) => ({
        portGroupId: pg.id,
        portGroupName: pg.name,
        vlanId: pg.vlanId,
        strandedVms: [...pg.vmNames].sort(),
        proposals: proposeFor(pg, networks).slice(0, 3),
      }))
      .sort(
        (a, b) =>
          b.strandedVms.length - a.strandedVms.length || a.portGroupName.localeCompare(b.portGroupName),
      );
  }

  async proposals(cloud: string): Promise<MappingProposal[]> {
    const { portGroups, networks } = await this.inputs(cloud, null);
    return portGroups
      .filter((pg) => !pg.mappedNetworkId)
      .flatMap((pg) => proposeFor(pg, networks).slice(0, 1));
  }

  /** Confirms a mapping; the subnet, when given, must belong to the network. */
  async map(
    portGroupRef: string,
    cloud: string,
    networkRef: string,
    subnetRef: string | null,
    confirmedBy: string,
  ) {
    const pgs = await this.graph.read('portgroup-resolve', { ref: portGroupRef });
    if (pgs.length !== 1) {
      throw new FfoError(
        pgs.length === 0 ? ErrorCode.NOT_FOUND : ErrorCode.BAD_INPUT,
        pgs.length === 0
          ? `unknown port group "${portGroupRef}"`
          : `"${portGroupRef}" names ${pgs.length} port groups; use the id`,
        { details: { portGroup: portGroupRef } },
      );
    }
    const [net] = await this.graph.read('network-get', { cloudId: cloud, ref: networkRef });
    if (!net) throw new FfoError(ErrorCode.NOT_FOUND, `no network "${networkRef}" in cloud "${cloud}"`);
    const subnets = net.subnets as { id: string; openstackId: string; name: string | null }[];
    let subnetId: string | null = null;
    if (subnetRef) {
      const subnet = subnets.find(
        (s) => s.id === subnetRef || s.openstackId === subnetRef || s.name === subnetRef,
      );
      if (!subnet) {
        throw new FfoError(
          ErrorCode.BAD_INPUT,
          `subnet "${subnetRef}" is not on network ${String(net.name)}`,
          {
            details: { subnet: subnetRef, network: net.id },
          },
        );
      }
      subnetId = subnet.id;
    } else if (subnets.length === 1) subnetId = subnets[0]!.id;
    const [row] = await this.graph.write('network-mapping-set', {
      portGroupId: pgs[0]!.id,
      networkId: net.id,
      subnetId,
      now: new Date().toISOString(),
      confirmedBy,
    });
    return row!;
  }

  /** Records the address a NIC keeps in the target; pre-flight (readiness) checks it against the mapped subnet. */
  async planNicAddress(nicId: string, fixedIp: string) {
    if (!parseIp(fixedIp)) throw new FfoError(ErrorCode.BAD_INPUT, `"${fixedIp}" is not an IP address`);
    const [row] = await this.graph.write('nic-fixed-ip-set', { nicId, fixedIp });
    if (!row) throw new FfoError(ErrorCode.NOT_FOUND, `unknown NIC "${nicId}"`);
    return row;
  }

  /** Confirms every unmapped port group's best proposal at or above `minScore` (same VLAN scores at least 0.6). */
  async confirmProposals(cloud: string, minScore: number, confirmedBy: string) {
    if (!(minScore > 0 && minScore <= 1))
      throw new FfoError(ErrorCode.BAD_INPUT, 'minScore must be in (0, 1]');
    const confirmed = [];
    for (const proposal of await this.proposals(cloud)) {
      if (proposal.score < minScore) continue;
      confirmed.push(
        await this.map(proposal.portGroupId, cloud, proposal.networkId, proposal.subnetId, confirmedBy),
      );
    }
    return confirmed;
  }
}
