import { fill, h } from './dom.js';
import { guardButton, type MonitorContext } from './monitor-context.js';
import { CONFIRM_PROPOSALS, MAP_PORT_GROUP, NETWORKS } from './queries.js';

interface Proposal {
  portGroupId: string;
  networkId: string;
  networkName: string;
  subnetId: string | null;
  score: number;
  reason: string;
}

interface NetworksAnswer {
  networkMappingGaps: {
    portGroupId: string;
    portGroupName: string;
    vlanId: number | null;
    strandedVms: string[];
    proposals: Proposal[];
  }[];
  portGroups: {
    id: string;
    name: string;
    vlanId: number | null;
    removedAt: string | null;
    datacenter: { name: string; vcenter: { name: string }[] }[];
    mappedTo: { id: string; name: string; segmentationId: number | null }[];
  }[];
  networks: {
    id: string;
    name: string;
    segmentationId: number | null;
    removedAt: string | null;
    subnets: { id: string; cidr: string }[];
  }[];
}

const MAX_STRANDED_SHOWN = 12;

/** "vcenter/datacenter": port group names repeat across vCenters ("VM Network"). */
const where = (dcs: { name: string; vcenter: { name: string }[] }[]): string =>
  dcs.map((dc) => `${dc.vcenter[0]?.name ?? '?'}/${dc.name}`).join(', ');

/**
 * Network mapping before anything migrates: port groups already mapped into the cloud (green, with their
 * network) and the ones in use without a mapping (red, with the VMs they strand and the proposals to confirm).
 */
export class NetworkPanel {
  readonly element = h('section', { class: 'panel', testid: 'network-panel' });

  constructor(private readonly ctx: MonitorContext) {}

  async load(): Promise<void> {
    let data: NetworksAnswer;
    try {
      data = await this.ctx.api.request<NetworksAnswer>(NETWORKS, {
        cloud: this.ctx.cloud,
        cloudId: this.ctx.cloud,
      });
    } catch (error) {
      fill(
        this.element,
        h('h2', {}, 'Network mapping'),
        h('p', { class: 'error' }, (error as Error).message),
      );
      return;
    }
    const networks = data.networks.filter((n) => !n.removedAt);
    const gaps = data.networkMappingGaps;
    const mapped = data.portGroups.filter((pg) => !pg.removedAt && pg.mappedTo.length > 0);
    const confirmAll = guardButton(
      this.ctx,
      h('button', { testid: 'confirm-all-proposals', class: 'secondary' }, 'Confirm all proposals ≥ 0.6'),
      async () => {
        const { confirmNetworkMappingProposals: done } = await this.ctx.api.request<{
          confirmNetworkMappingProposals: unknown[];
        }>(CONFIRM_PROPOSALS, { cloud: this.ctx.cloud });
        this.ctx.notify(`${done.length} mappings confirmed`);
        this.ctx.planningChanged();
      },
    );
    fill(
      this.element,
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, `Network mapping into ${this.ctx.cloud}`),
        h(
          'span',
          { class: gaps.length ? 'badge bad' : 'badge ok', testid: 'network-gap-count' },
          gaps.length ? `${gaps.length} unmapped` : 'all mapped',
        ),
        gaps.some((g) => g.proposals.length > 0) ? confirmAll : null,
      ),
      h(
        'ul',
        { class: 'network-list' },
        ...gaps.map((gap) => this.gapRow(gap, networks)),
        ...mapped.map((pg) =>
          h(
            'li',
            {
              class: 'network ok',
              testid: 'network-mapped',
              'data-portgroup': pg.name,
              'data-portgroup-id': pg.id,
            },
            h('span', { class: 'dot' }),
            h('strong', {}, pg.name),
            pg.vlanId ? h('span', { class: 'muted' }, ` VLAN ${pg.vlanId}`) : null,
            h('span', { class: 'muted' }, ` ${where(pg.datacenter)}`),
            ' → ',
            h('span', { testid: 'mapped-network' }, pg.mappedTo.map((n) => n.name).join(', ')),
          ),
        ),
      ),
    );
  }

  private gapRow(
    gap: NetworksAnswer['networkMappingGaps'][number],
    networks: NetworksAnswer['networks'],
  ): HTMLElement {
    const shown = gap.strandedVms.slice(0, MAX_STRANDED_SHOWN);
    const more = gap.strandedVms.length - shown.length;
    const select = h(
      'select',
      { testid: 'map-network-select', 'aria-label': `target network for ${gap.portGroupName}` },
      h('option', { value: '' }, 'choose a network…'),
      ...networks.map((n) =>
        h('option', { value: n.id }, `${n.name}${n.segmentationId ? ` (VLAN ${n.segmentationId})` : ''}`),
      ),
    );
    if (!this.ctx.session.canMutate) select.disabled = true;
    const mapChosen = guardButton(this.ctx, h('button', { testid: 'map-network' }, 'Map'), async () => {
      const network = networks.find((n) => n.id === select.value);
      if (!network) throw new Error(`choose a network for ${gap.portGroupName} first`);
      await this.map(
        gap.portGroupId,
        network.id,
        network.subnets.length === 1 ? network.subnets[0]!.id : null,
      );
    });
    return h(
      'li',
      {
        class: 'network bad',
        testid: 'network-gap',
        'data-portgroup': gap.portGroupName,
        'data-portgroup-id': gap.portGroupId,
      },
      h('span', { class: 'dot' }),
      h('strong', {}, gap.portGroupName),
      gap.vlanId ? h('span', { class: 'muted' }, ` VLAN ${gap.vlanId}`) : null,
      h(
        'div',
        { class: 'stranded', testid: 'stranded-vms' },
        `strands ${gap.strandedVms.length} VM${gap.strandedVms.length === 1 ? '' : 's'}: `,
        shown.join(', '),
        more > 0 ? ` and ${more} more` : '',
      ),
      h(
        'div',
        { class: 'proposals' },
        ...gap.proposals.map((p) =>
          h(
            'span',
            { class: 'proposal', testid: 'proposal', 'data-network': p.networkName },
            `→ ${p.networkName} (${p.score.toFixed(2)}: ${p.reason}) `,
            guardButton(this.ctx, h('button', { testid: 'confirm-proposal' }, 'Confirm'), () =>
              this.map(gap.portGroupId, p.networkId, p.subnetId),
            ),
          ),
        ),
        h('span', { class: 'manual-map' }, select, mapChosen),
      ),
    );
  }

  private async map(portGroup: string, network: string, subnet: string | null): Promise<void> {
    const { mapPortGroup: done } = await this.ctx.api.request<{
      mapPortGroup: { portGroupName: string; networkName: string };
    }>(MAP_PORT_GROUP, { portGroup, network, subnet, cloud: this.ctx.cloud });
    this.ctx.notify(`${done.portGroupName} → ${done.networkName} confirmed`);
    this.ctx.planningChanged();
  }
}
