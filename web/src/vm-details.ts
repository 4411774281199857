import { fill, h } from './dom.js';
import { bytes } from './format.js';
import { guardButton, type MonitorContext } from './monitor-context.js';
import { VM_DETAILS } from './queries.js';

interface VmDetailsAnswer {
  vms: {
    id: string;
    name: string;
    guestFullName: string | null;
    numCpu: number;
    memoryMB: number;
    powerState: string;
    firmware: string | null;
    provisionedBytes: number;
    changeTrackingEnabled: boolean;
    host: { name: string; cluster: { name: string }[] }[];
    disks: { key: number; label: string | null; capacityBytes: number; controllerType: string }[];
    nics: { macAddress: string; networkName: string | null }[];
    dependsOn: { id: string; name: string }[];
    dependedOnBy: { id: string; name: string }[];
    flavorMatch: {
      reason: string;
      overridden: boolean;
      flavor: { name: string; vcpus: number; ramMB: number; diskGB: number; bootFromVolume: boolean } | null;
    } | null;
    migrations: {
      id: string;
      mode: string;
      status: string;
      phase: string;
      createdAt: string;
      finishedAt: string | null;
      serverId: string | null;
      errorMessage: string | null;
    }[];
  }[];
  migrationReadiness: { ready: boolean; concerns: { code: string; severity: string; message: string }[] }[];
}

/** One VM: its facts, flavor match in the cloud, readiness concerns and migration history. */
export class VmDetails {
  readonly element = h('aside', { class: 'panel details', testid: 'vm-details', hidden: true });

  /** Only the VM clicked last may fill the panel. */
  private generation = 0;

  constructor(private readonly ctx: MonitorContext) {}

  async show(id: string): Promise<void> {
    this.element.hidden = false;
    const generation = ++this.generation;
    fill(this.element, h('p', { class: 'muted' }, 'Loading…'));
    let data: VmDetailsAnswer;
    try {
      data = await this.ctx.api.request<VmDetailsAnswer>(VM_DETAILS, { id, cloud: this.ctx.cloud });
    } catch (error) {
      if (generation === this.generation)
        fill(this.element, h('p', { class: 'error' }, (error as Error).message));
      return;
    }
    if (generation !== this.generation) return;
    const vm = data.vms[0];
    if (!vm) {
      fill(this.element, h('p', { class: 'error' }, `VM ${id} is not in the twin`));
      return;
    }
    const readiness = data.migrationReadiness[0];
    const close = h('button', { class: 'secondary close', testid: 'vm-details-close' }, '×');
    close.addEventListener('click', () => (this.element.hidden = true));
    const flavor = vm.flavorMatch?.flavor;
    fill(
      this.element,
      h('header', {}, h('h2', { testid: 'vm-details-name' }, vm.name), close),
      h(
        'dl',
        {},
        h('dt', {}, 'guest'),
        h('dd', {}, vm.guestFullName ?? '–'),
        h('dt', {}, 'size'),
        h('dd', {}, `${vm.numCpu} vCPU · ${vm.memoryMB} MB · ${bytes(vm.provisionedBytes)}`),
        h('dt', {}, 'power'),
        h('dd', {}, vm.powerState),
        h('dt', {}, 'host'),
        h('dd', {}, `${vm.host[0]?.name ?? '–'} (${vm.host[0]?.cluster[0]?.name ?? 'no cluster'})`),
        h('dt', {}, 'CBT'),
        h('dd', {}, vm.changeTrackingEnabled ? 'enabled' : 'off'),
        h('dt', {}, 'disks'),
        h(
          'dd',
          {},
          vm.disks
            .map((d) => `${d.label ?? d.key} ${bytes(d.capacityBytes)} ${d.controllerType}`)
            .join(', ') || '–',
        ),
        h('dt', {}, 'NICs'),
        h('dd', {}, vm.nics.map((n) => `${n.macAddress} on ${n.networkName ?? '?'}`).join(', ') || '–'),
        h('dt', {}, 'depends on'),
        h('dd', {}, vm.dependsOn.map((d) => d.name).join(', ') || '–'),
        h('dt', {}, 'needed by'),
        h('dd', {}, vm.dependedOnBy.map((d) => d.name).join(', ') || '–'),
      ),
      h('h3', {}, `Flavor in ${this.ctx.cloud}`),
      h(
        'p',
        { testid: 'vm-flavor', class: flavor ? '' : 'bad' },
        flavor
          ? `${flavor.name} (${flavor.vcpus} vCPU, ${flavor.ramMB} MB, ${flavor.diskGB} GB${flavor.bootFromVolume ? ', boot from volume' : ''})${vm.flavorMatch!.overridden ? ' — override' : ''}`
          : 'no flavor fits',
        h('br', {}),
        h('span', { class: 'muted' }, vm.flavorMatch?.reason ?? ''),
      ),
      h('h3', {}, 'Readiness'),
      h(
        'ul',
        { class: 'plain concerns', testid: 'vm-concerns' },
        readiness?.ready && readiness.concerns.length === 0
          ? h('li', { class: 'ok' }, 'ready, no concerns')
          : null,
        ...(readiness?.concerns ?? []).map((c) =>
          h(
            'li',
            { class: c.severity === 'blocker' ? 'bad' : 'warn', 'data-code': c.code },
            `${c.code}: ${c.message}`,
          ),
        ),
      ),
      h('h3', {}, 'Migrations'),
      h(
        'ul',
        { class: 'plain', testid: 'vm-history' },
        ...(vm.migrations.length === 0 ? [h('li', { class: 'muted' }, 'never migrated')] : []),
        ...vm.migrations.map((m) =>
          h(
            'li',
            { class: m.status === 'failed' ? 'bad' : m.status === 'completed' ? 'ok' : '' },
            `${m.createdAt.slice(0, 19).replace('T', ' ')} ${m.mode} ${m.status} (${m.phase})`,
            m.serverId ? ` server ${m.serverId}` : '',
            m.errorMessage ? ` — ${m.errorMessage}` : '',
          ),
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        guardButton(this.ctx, h('button', { testid: 'details-migrate-warm' }, 'Migrate (warm)'), () =>
          this.ctx.migrate(vm.id, 'WARM'),
        ),
        guardButton(
          this.ctx,
          h('button', { testid: 'details-migrate-cold', class: 'secondary' }, 'Migrate (cold)'),
          () => this.ctx.migrate(vm.id, 'COLD'),
        ),
      ),
    );
  }
}
