import { fill, h } from './dom.js';
import { bytes, count, percent } from './format.js';
import type { MonitorContext } from './monitor-context.js';
import { CAPACITY, ESTATE, READINESS } from './queries.js';

interface CountByKey {
  key: string;
  count: number;
}

interface EstateAnswer {
  estateSummary: {
    vcenters: number;
    vms: number;
    hosts: number;
    clusters: number;
    datastores: number;
    portGroups: number;
    disks: number;
    nics: number;
    totalVcpu: number;
    totalMemoryMB: number;
    provisionedBytes: number;
    usedBytes: number;
    dependencies: number;
    byPowerState: CountByKey[];
    byCluster: CountByKey[];
  };
  migrationReadinessSummary: { vms: number; ready: number; blocked: number; byConcern: CountByKey[] };
  capacityReport: {
    project: string;
    fits: boolean;
    lines: {
      service: string;
      resource: string;
      planned: number;
      limit: number | null;
      inUse: number;
      available: number | null;
      shortfall: number;
    }[];
    vmsNotFitting: string[];
  };
}

export interface CloudFacts {
  name: string;
  hypervisors: number | null;
  vcpus: number | null;
  vcpusUsed: number | null;
  memoryMB: number | null;
  memoryMBUsed: number | null;
}

const tile = (testid: string, label: string, value: string) =>
  h(
    'div',
    { class: 'tile', testid },
    h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-label' }, label),
  );

/** Estate overview: what is in vSphere, how ready it is for the cloud, and how much room the cloud has. */
export class EstatePanel {
  readonly element = h('section', { class: 'panel', testid: 'estate-overview' });

  constructor(
    private readonly ctx: MonitorContext,
    private readonly cloud: CloudFacts | null,
  ) {}

  async load(): Promise<void> {
    const fail = (error: unknown) => h('p', { class: 'error' }, (error as Error).message);
    // Three reads, so a cloud that is not discovered yet still leaves the source side visible.
    const [estate, readiness, capacity] = await Promise.all([
      this.ctx.api
        .request<Pick<EstateAnswer, 'estateSummary'>>(ESTATE)
        .then((d) => this.summary(d.estateSummary), fail),
      this.ctx.api
        .request<Pick<EstateAnswer, 'migrationReadinessSummary'>>(READINESS, { cloud: this.ctx.cloud })
        .then((d) => this.readiness(d.migrationReadinessSummary), fail),
      this.ctx.api
        .request<Pick<EstateAnswer, 'capacityReport'>>(CAPACITY, { cloud: this.ctx.cloud })
        .then((d) => this.capacity(d.capacityReport), fail),
    ]);
    fill(this.element, h('h2', {}, 'Estate'), estate, h('div', { class: 'columns' }, readiness, capacity));
  }

  private summary(e: EstateAnswer['estateSummary']): HTMLElement {
    return h(
      'div',
      {},
      h(
        'div',
        { class: 'tiles' },
        tile('estate-vms', 'VMs', count(e.vms)),
        tile('estate-hosts', 'hosts', count(e.hosts)),
        tile('estate-clusters', 'clusters', count(e.clusters)),
        tile('estate-datastores', 'datastores', count(e.datastores)),
        tile('estate-portgroups', 'port groups', count(e.portGroups)),
        tile('estate-vcpu', 'vCPUs', count(e.totalVcpu)),
        tile('estate-memory', 'memory', bytes(e.totalMemoryMB * 1024 * 1024)),
        tile('estate-storage', 'storage provisioned', bytes(e.provisionedBytes)),
        tile('estate-used', 'storage used', bytes(e.usedBytes)),
        tile('estate-dependencies', 'dependencies', count(e.dependencies)),
      ),
      h(
        'div',
        { class: 'columns' },
        h(
          'div',
          {},
          h('h3', {}, 'Clusters'),
          h(
            'ul',
            { class: 'plain', testid: 'estate-cluster-list' },
            ...e.byCluster.map((c) =>
              h('li', {}, h('span', {}, c.key), ' ', h('span', { class: 'muted' }, `${c.count} VMs`)),
            ),
          ),
        ),
        h(
          'div',
          {},
          h('h3', {}, 'Power'),
          h('ul', { class: 'plain' }, ...e.byPowerState.map((c) => h('li', {}, `${c.key}: ${c.count}`))),
        ),
      ),
    );
  }

  private readiness(r: EstateAnswer['migrationReadinessSummary']): HTMLElement {
    const blockers = r.byConcern.filter((c) => c.key.startsWith('blocker:'));
    const warnings = r.byConcern.filter((c) => c.key.startsWith('warning:'));
    const warningCount = warnings.reduce((sum, c) => sum + c.count, 0);
    return h(
      'div',
      { testid: 'readiness' },
      h('h3', {}, `Readiness for ${this.ctx.cloud}`),
      h(
        'div',
        { class: 'readiness-bar' },
        h('span', { class: 'ok', testid: 'readiness-ready' }, `${r.ready} ready`),
        h('span', { class: 'bad', testid: 'readiness-blocked' }, `${r.blocked} blocked`),
        h('span', { class: 'warn', testid: 'readiness-warnings' }, `${warningCount} warnings`),
      ),
      h(
        'ul',
        { class: 'plain concerns' },
        ...blockers.map((c) => h('li', { class: 'bad' }, `${c.key.slice('blocker:'.length)} × ${c.count}`)),
        ...warnings.map((c) => h('li', { class: 'warn' }, `${c.key.slice('warning:'.length)} × ${c.count}`)),
      ),
    );
  }

  private capacity(report: EstateAnswer['capacityReport']): HTMLElement {
    const cloud = this.cloud;
    const hyper =
      cloud && cloud.vcpus
        ? [
            this.bar('hypervisor vCPUs', cloud.vcpusUsed ?? 0, cloud.vcpus, 0),
            this.bar('hypervisor RAM (MB)', cloud.memoryMBUsed ?? 0, cloud.memoryMB ?? 0, 0),
          ]
        : [];
    return h(
      'div',
      { testid: 'capacity' },
      h('h3', {}, `Target headroom (${report.project})`),
      h(
        'p',
        { class: report.fits ? 'ok' : 'bad', testid: 'capacity-fits' },
        report.fits ? 'the whole estate fits' : `${report.vmsNotFitting.length} VMs would not fit`,
      ),
      ...hyper,
      ...report.lines
        .filter((l) => l.service !== 'hypervisor')
        .map((l) => this.bar(`${l.service} ${l.resource}`, l.inUse, l.limit, l.planned)),
    );
  }

  private bar(label: string, inUse: number, limit: number | null, planned: number): HTMLElement {
    const unlimited = limit === null || limit < 0;
    const used = unlimited ? 0 : percent(inUse, limit);
    const plan = unlimited ? 0 : Math.min(100 - used, percent(planned, limit));
    return h(
      'div',
      { class: 'capacity-line', testid: 'capacity-line' },
      h(
        'div',
        { class: 'capacity-label' },
        label,
        ' ',
        h(
          'span',
          { class: 'muted' },
          unlimited
            ? `${count(inUse)} used, unlimited`
            : `${count(inUse)} used of ${count(limit)}, ${count(limit - inUse)} free, ${count(planned)} planned`,
        ),
      ),
      h(
        'div',
        { class: 'meter' },
        h('div', { class: 'meter-used', style: `width:${used}%` }),
        h('div', {
          class: `meter-planned${inUse + planned > (limit ?? Infinity) ? ' over' : ''}`,
          style: `width:${plan}%`,
        }),
      ),
    );
  }
}
