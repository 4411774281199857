import { fill, h, s } from './dom.js';
import { place } from './graph-layout.js';
import type { MonitorContext } from './monitor-context.js';
import { GRAPH_OPTIONS, graphVmsQuery } from './queries.js';

interface GraphVm {
  id: string;
  name: string;
  powerState: string;
  removedAt: string | null;
  host: { name: string; cluster: { name: string }[] }[];
  dependsOn: { id: string }[];
  waves?: { index: number }[];
  moveGroups?: { id: string; name: string }[];
}

const MAX_VMS = 250;
const COL = 190;
const ROW = 40;
const NODE_W = 160;
const NODE_H = 26;
const PAD = 24;
const WAVE_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export const waveColour = (index: number | undefined): string =>
  index === undefined ? '#9aa5b1' : WAVE_COLOURS[index % WAVE_COLOURS.length]!;

/**
 * VMs and DEPENDS_ON edges as SVG (a VM to the right of what it needs), coloured by wave of the chosen plan,
 * move groups outlined; filtered by app (name) and cluster on the server.
 */
export class DependencyGraph {
  readonly element = h('section', { class: 'panel', testid: 'dependency-graph' });
  private readonly appInput = h('input', { testid: 'graph-filter-app', placeholder: 'app (name contains)' });
  private readonly clusterSelect = h(
    'select',
    { testid: 'graph-filter-cluster' },
    h('option', { value: '' }, 'all clusters'),
  );
  private readonly planSelect = h(
    'select',
    { testid: 'graph-plan' },
    h('option', { value: '' }, 'no wave plan'),
  );
  private readonly canvas = h('div', { class: 'graph-canvas', testid: 'graph-canvas' });
  private readonly legend = h('div', { class: 'legend' });
  /** Filters change faster than answers come back: only the newest request may draw. */
  private generation = 0;

  constructor(private readonly ctx: MonitorContext) {
    const apply = h('button', { testid: 'graph-apply', class: 'secondary' }, 'Show');
    apply.addEventListener('click', () => void this.load());
    this.appInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.load();
    });
    this.clusterSelect.addEventListener('change', () => void this.load());
    this.planSelect.addEventListener('change', () => void this.load());
    fill(
      this.element,
      h('h2', {}, 'Dependencies'),
      h('div', { class: 'filters' }, this.appInput, this.clusterSelect, this.planSelect, apply),
      this.legend,
      this.canvas,
    );
  }

  /** The filter choices: wave plans (newest first) and clusters. */
  async loadOptions(): Promise<void> {
    const { wavePlans, clusters } = await this.ctx.api.request<{
      wavePlans: { id: string; name: string; version: number; status: string }[];
      clusters: { name: string; removedAt: string | null }[];
    }>(GRAPH_OPTIONS);
    for (const p of wavePlans)
      this.planSelect.append(h('option', { value: p.id }, `${p.name} v${p.version} (${p.status})`));
    const names = new Set(clusters.filter((c) => !c.removedAt).map((c) => c.name));
    for (const name of names) this.clusterSelect.append(h('option', { value: name }, name));
  }

  /** Shows the graph for a filter (used by the tests and by "Show"). */
  async show(app: string, cluster = ''): Promise<void> {
    this.appInput.value = app;
    this.clusterSelect.value = cluster;
    await this.load();
  }

  async load(): Promise<void> {
    const app = this.appInput.value.trim();
    const cluster = this.clusterSelect.value;
    const plan = this.planSelect.value;
    const where: Record<string, unknown> = {};
    if (app) where.name = { contains: app };
    if (cluster) where.host = { some: { cluster: { some: { name: { eq: cluster } } } } };
    const generation = ++this.generation;
    fill(this.canvas, h('p', { class: 'muted' }, 'Loading…'));
    let vms: GraphVm[];
    try {
      ({ vms } = await this.ctx.api.request<{ vms: GraphVm[] }>(graphVmsQuery(plan !== ''), {
        where,
        limit: MAX_VMS + 1,
        ...(plan ? { plan } : {}),
      }));
    } catch (error) {
      if (generation === this.generation)
        fill(this.canvas, h('p', { class: 'error' }, (error as Error).message));
      return;
    }
    if (generation !== this.generation) return;
    vms = vms.filter((v) => !v.removedAt);
    const truncated = vms.length > MAX_VMS;
    this.render(vms.slice(0, MAX_VMS), truncated);
  }

  private render(vms: GraphVm[], truncated: boolean): void {
    if (vms.length === 0) {
      fill(this.canvas, h('p', { class: 'muted', testid: 'graph-empty' }, 'No VMs match.'));
      fill(this.legend);
      return;
    }
    const placed = place(vms.map((v) => ({ id: v.id, dependsOn: v.dependsOn.map((d) => d.id) })));
    const at = new Map(placed.map((p) => [p.id, { x: PAD + p.layer * COL, y: PAD + p.row * ROW }]));
    const width = PAD * 2 + (Math.max(...placed.map((p) => p.layer)) + 1) * COL;
    const height = PAD * 2 + (Math.max(...placed.map((p) => p.row)) + 1) * ROW;
    const svg = s('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      testid: 'graph-svg',
      role: 'img',
    });
    svg.append(
      s(
        'defs',
        {},
        s(
          'marker',
          {
            id: 'arrow',
            viewBox: '0 0 10 10',
            refX: 10,
            refY: 5,
            markerWidth: 7,
            markerHeight: 7,
            orient: 'auto-start-reverse',
          },
          s('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#52606d' }),
        ),
      ),
    );
    // Move groups first, so their outlines sit behind the VMs.
    const groups = new Map<string, { name: string; members: string[] }>();
    for (const v of vms)
      for (const g of v.moveGroups ?? []) {
        const group = groups.get(g.id) ?? { name: g.name, members: [] };
        group.members.push(v.id);
        groups.set(g.id, group);
      }
    for (const [id, g] of groups) {
      const points = g.members.map((m) => at.get(m)!);
      const x = Math.min(...points.map((p) => p.x)) - 6;
      const y = Math.min(...points.map((p) => p.y)) - 6;
      const w = Math.max(...points.map((p) => p.x)) + NODE_W + 6 - x;
      const hgt = Math.max(...points.map((p) => p.y)) + NODE_H + 6 - y;
      svg.append(
        s(
          'rect',
          { x, y, width: w, height: hgt, rx: 8, class: 'move-group', testid: 'move-group', 'data-group': id },
          s('title', {}, `move group ${g.name}`),
        ),
      );
    }
    for (const v of vms) {
      const from = at.get(v.id)!;
      for (const d of v.dependsOn) {
        const to = at.get(d.id);
        if (!to) continue;
        svg.append(
          s('line', {
            x1: from.x,
            y1: from.y + NODE_H / 2,
            x2: to.x + NODE_W,
            y2: to.y + NODE_H / 2,
            class: 'edge',
            testid: 'graph-edge',
            'data-from': v.id,
            'data-to': d.id,
            'marker-end': 'url(#arrow)',
          }),
        );
      }
    }
    const waves = new Set<number>();
    for (const v of vms) {
      const p = at.get(v.id)!;
      const wave = v.waves?.[0]?.index;
      if (wave !== undefined) waves.add(wave);
      const node = s(
        'g',
        {
          class: 'vm-node',
          testid: 'graph-vm',
          'data-vm': v.name,
          'data-vm-id': v.id,
          'data-wave': wave ?? '',
          transform: `translate(${p.x},${p.y})`,
          tabindex: 0,
        },
        s('rect', {
          width: NODE_W,
          height: NODE_H,
          rx: 5,
          fill: waveColour(wave),
          class: v.powerState === 'poweredOn' ? 'on' : 'off',
        }),
        s('text', { x: 8, y: 17 }, v.name.length > 22 ? `${v.name.slice(0, 21)}…` : v.name),
        s(
          'title',
          {},
          `${v.name}${wave !== undefined ? ` · wave ${wave}` : ''} · ${v.host[0]?.cluster[0]?.name ?? 'no cluster'}`,
        ),
      );
      node.addEventListener('click', () => this.ctx.showVm(v.id));
      node.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter') this.ctx.showVm(v.id);
      });
      svg.append(node);
    }
    fill(
      this.legend,
      ...[...waves]
        .sort((a, b) => a - b)
        .map((w) =>
          h(
            'span',
            { class: 'legend-item' },
            h('span', { class: 'swatch', style: `background:${waveColour(w)}` }),
            `wave ${w}`,
          ),
        ),
      groups.size
        ? h('span', { class: 'legend-item' }, h('span', { class: 'swatch group' }), 'move group')
        : null,
      h(
        'span',
        { class: 'muted' },
        `${vms.length} VMs${truncated ? ` (first ${MAX_VMS}; narrow the filter)` : ''} · arrow: depends on`,
      ),
    );
    fill(this.canvas, svg);
  }
}
