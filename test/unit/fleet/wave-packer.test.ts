import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '../../../src/fleet/synthetic-estate.js';
import { layerDependencies } from '../../../src/fleet/dependency-layering.js';
import {
  checkPlanOrder,
  packWaves,
  type Demand,
  type PackUnit,
  type PackVm,
  type PackedWave,
  type WaveConstraints,
} from '../../../src/fleet/wave-packer.js';

interface VmOptions {
  host?: string | null;
  datastores?: string[];
  diskGb?: number;
  demand?: Partial<Demand>;
}

const vm = (id: string, options: VmOptions = {}): PackVm => {
  const diskGb = options.diskGb ?? 10;
  return {
    id,
    name: `name-${id}`,
    host: options.host ?? null,
    datastores: options.datastores ?? [],
    diskGb,
    demand: {
      instances: 1,
      cores: 2,
      ramMB: 4096,
      volumes: 1,
      gigabytes: diskGb,
      ports: 1,
      ...options.demand,
    },
  };
};

/** A single-VM unit keyed by the VM's id. */
const single = (id: string, layer = 0, options: VmOptions = {}): PackUnit => ({
  key: id,
  layer,
  moveGroup: null,
  vms: [vm(id, options)],
});

const group = (key: string, layer: number, vms: PackVm[]): PackUnit => ({ key, layer, moveGroup: key, vms });

const unitsOf = (waves: PackedWave[]): string[][] => waves.map((w) => w.units);

describe('packWaves', () => {
  it('puts layers in ascending order, each starting a new wave', () => {
    const waves = packWaves([single('late', 1), single('early', 0), single('also-early', 0)], {});
    expect(waves).toEqual([
      {
        index: 1,
        units: ['also-early', 'early'],
        vmCount: 2,
        diskGb: 20,
        layers: [0],
        demand: { instances: 2, cores: 4, ramMB: 8192, volumes: 2, gigabytes: 20, ports: 2 },
        perHostMax: 0,
        perDatastoreMax: 0,
        warnings: [],
      },
      {
        index: 2,
        units: ['late'],
        vmCount: 1,
        diskGb: 10,
        layers: [1],
        demand: { instances: 1, cores: 2, ramMB: 4096, volumes: 1, gigabytes: 10, ports: 1 },
        perHostMax: 0,
        perDatastoreMax: 0,
        warnings: [],
      },
    ]);
  });

  it('spills a big layer over several waves, biggest disks first, and never backfills from the next layer', () => {
    const waves = packWaves(
      [
        single('u1', 0, { diskGb: 10 }),
        single('u2', 0, { diskGb: 50 }),
        single('u3', 0, { diskGb: 30 }),
        single('u4', 0, { diskGb: 30 }),
        single('u5', 0, { diskGb: 10 }),
        single('next', 1),
      ],
      { maxVmsPerWave: 2 },
    );
    expect(unitsOf(waves)).toEqual([['u2', 'u3'], ['u4', 'u1'], ['u5'], ['next']]);
    expect(waves.map((w) => w.index)).toEqual([1, 2, 3, 4]);
    expect(waves.map((w) => w.vmCount)).toEqual([2, 2, 1, 1]);
    expect(waves.map((w) => w.diskGb)).toEqual([80, 40, 10, 10]);
    expect(waves.map((w) => w.layers)).toEqual([[0], [0], [0], [1]]);
  });

  it('places units first-fit, larger units first', () => {
    const waves = packWaves(
      [
        single('c', 0),
        group('A', 0, [vm('a1'), vm('a2'), vm('a3')]),
        single('d', 0),
        group('B', 0, [vm('b1'), vm('b2'), vm('b3')]),
      ],
      { maxVmsPerWave: 4 },
    );
    expect(unitsOf(waves)).toEqual([
      ['A', 'c'],
      ['B', 'd'],
    ]);
    expect(waves.map((w) => w.vmCount)).toEqual([4, 4]);
  });

  it('keeps per-host VM counts under maxPerHost, ignoring VMs with no known host', () => {
    const waves = packWaves(
      [
        single('a1', 0, { host: 'h1' }),
        single('a2', 0, { host: 'h1' }),
        single('a3', 0, { host: 'h1' }),
        single('a4', 0, { host: 'h1' }),
        single('b1', 0, { host: 'h2' }),
        single('b2', 0, { host: 'h2' }),
        single('c1', 0, { host: null }),
      ],
      { maxPerHost: 2 },
    );
    expect(unitsOf(waves)).toEqual([
      ['a1', 'a2', 'b1', 'b2', 'c1'],
      ['a3', 'a4'],
    ]);
    expect(waves.map((w) => w.perHostMax)).toEqual([2, 2]);
  });

  it('counts a VM once on each datastore it uses against maxPerDatastore', () => {
    const waves = packWaves(
      [
        single('v1', 0, { datastores: ['ds1', 'ds1'] }),
        single('v2', 0, { datastores: ['ds1', 'ds2'] }),
        single('v3', 0, { datastores: ['ds2'] }),
        single('v4', 0, { datastores: ['ds1'] }),
      ],
      { maxPerDatastore: 2 },
    );
    expect(unitsOf(waves)).toEqual([['v1', 'v2', 'v3'], ['v4']]);
    expect(waves.map((w) => w.perDatastoreMax)).toEqual([2, 1]);
  });

  it('keeps the disk total under maxGbPerWave, a wave exactly at the limit included', () => {
    const waves = packWaves(
      [
        single('d30', 0, { diskGb: 30 }),
        single('d40', 0, { diskGb: 40 }),
        single('d50', 0, { diskGb: 50 }),
        single('d60', 0, { diskGb: 60 }),
      ],
      { maxGbPerWave: 100 },
    );
    expect(unitsOf(waves)).toEqual([
      ['d60', 'd40'],
      ['d50', 'd30'],
    ]);
    expect(waves.map((w) => w.diskGb)).toEqual([100, 80]);
    expect(waves.flatMap((w) => w.warnings)).toEqual([]);
  });

  it('respects the target capacity per demand field, null fields unlimited', () => {
    const waves = packWaves(
      [
        single('a', 0, { demand: { cores: 4 } }),
        single('b', 0, { demand: { cores: 4 } }),
        single('c', 0, { demand: { cores: 2 } }),
        single('d', 0, { demand: { cores: 2 } }),
      ],
      { capacity: { cores: 8, ramMB: null, ports: undefined } },
    );
    expect(unitsOf(waves)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(waves.map((w) => w.demand.cores)).toEqual([8, 4]);
    expect(waves.map((w) => w.demand.ramMB)).toEqual([8192, 8192]);

    const byVolumes = packWaves([single('a'), single('b'), single('c')], { capacity: { volumes: 2 } });
    expect(unitsOf(byVolumes)).toEqual([['a', 'b'], ['c']]);
  });

  it('treats null, zero and negative limits as unlimited', () => {
    const units = Array.from({ length: 6 }, (_, i) =>
      single(`v${i}`, 0, { host: 'h1', datastores: ['ds1'] }),
    );
    const waves = packWaves(units, {
      maxVmsPerWave: 0,
      maxPerHost: null,
      maxPerDatastore: -1,
      maxGbPerWave: undefined,
      capacity: { cores: 0, instances: null },
    });
    expect(unitsOf(waves)).toEqual([['v0', 'v1', 'v2', 'v3', 'v4', 'v5']]);
    expect(waves[0].perHostMax).toBe(6);
    expect(waves[0].perDatastoreMax).toBe(6);
    expect(packWaves(units, { capacity: null })).toHaveLength(1);
  });

  it('gives a move group bigger than maxVmsPerWave a wave of its own, with a warning, never splitting it', () => {
    const big = group('mg-1', 0, [vm('g1'), vm('g2'), vm('g3')]);
    const waves = packWaves([single('s1'), big, single('s2'), single('t1', 1)], { maxVmsPerWave: 2 });
    expect(unitsOf(waves)).toEqual([['mg-1'], ['s1', 's2'], ['t1']]);
    expect(waves[0].vmCount).toBe(3);
    expect(waves[0].warnings).toEqual([
      'move group mg-1 alone exceeds maxVmsPerWave 2 with 3 VMs: it moves whole in a wave of its own',
    ]);
    expect(waves[1].warnings).toEqual([]);
    expect(waves[2].warnings).toEqual([]);
  });

  it('warns for every limit a unit breaks alone, per host, per datastore, disk and capacity', () => {
    const crowded = group('mg-2', 0, [
      vm('g1', { host: 'h1', datastores: ['ds1'], diskGb: 80 }),
      vm('g2', { host: 'h1', datastores: ['ds1'], diskGb: 80 }),
      vm('g3', { host: 'h1', datastores: ['ds1'], diskGb: 80 }),
    ]);
    const huge = single('huge', 0, { diskGb: 500 });
    const waves = packWaves([crowded, huge, single('small', 0)], {
      maxPerHost: 2,
      maxPerDatastore: 2,
      maxGbPerWave: 200,
      capacity: { cores: 5 },
    });
    expect(unitsOf(waves)).toEqual([['mg-2'], ['huge'], ['small']]);
    expect(waves[0].warnings).toEqual([
      'move group mg-2 alone exceeds maxPerHost 2 with 3 VMs on host h1: it moves whole in a wave of its own',
      'move group mg-2 alone exceeds maxPerDatastore 2 with 3 VMs on datastore ds1: it moves whole in a wave of its own',
      'move group mg-2 alone exceeds maxGbPerWave 200 with 240 GB: it moves whole in a wave of its own',
      'move group mg-2 alone exceeds capacity.cores 5 with 6: it moves whole in a wave of its own',
    ]);
    expect(waves[1].warnings).toEqual([
      'unit huge alone exceeds maxGbPerWave 200 with 500 GB: it moves whole in a wave of its own',
    ]);
    expect(waves[2].warnings).toEqual([]);
  });

  it('is deterministic whatever the input order, and leaves the input alone', () => {
    const random = seededRandom(7);
    const units: PackUnit[] = Array.from({ length: 60 }, (_, i) => {
      const size = random() < 0.2 ? 2 + Math.floor(random() * 3) : 1;
      const vms = Array.from({ length: size }, (_, j) =>
        vm(`vm${i}-${j}`, {
          host: `h${Math.floor(random() * 4)}`,
          datastores: [`ds${Math.floor(random() * 3)}`],
          diskGb: 10 * (1 + Math.floor(random() * 5)),
        }),
      );
      return { key: `u${i}`, layer: Math.floor(random() * 3), moveGroup: size > 1 ? `u${i}` : null, vms };
    });
    const constraints: WaveConstraints = {
      maxVmsPerWave: 6,
      maxPerHost: 3,
      maxPerDatastore: 4,
      maxGbPerWave: 150,
    };
    const before = units.map((u) => u.key);
    const reference = packWaves(units, constraints);
    expect(units.map((u) => u.key)).toEqual(before);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...units];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      expect(packWaves(shuffled, constraints)).toEqual(reference);
    }
    expect(reference.length).toBeGreaterThan(3);
    expect(reference.reduce((sum, w) => sum + w.units.length, 0)).toBe(60);
  });

  it('keeps every dependency in an earlier wave on random graphs', () => {
    const random = seededRandom(99);
    for (let round = 0; round < 100; round++) {
      const n = 2 + Math.floor(random() * 25);
      const names = Array.from({ length: n }, (_, i) => `vm${i}`);
      const edges: Array<[string, string]> = [];
      for (let e = Math.floor(random() * 2 * n); e > 0; e--) {
        edges.push([names[Math.floor(random() * n)], names[Math.floor(random() * n)]]);
      }
      const layering = layerDependencies({ nodes: names, edges });
      const units: PackUnit[] = layering.moveGroups.map((members, g) => ({
        key: `group-${g}`,
        layer: layering.layerOf.get(members[0]) ?? -1,
        moveGroup: `group-${g}`,
        vms: members.map((id) => vm(id, { host: `h${id.length % 3}` })),
      }));
      for (const name of names) {
        if (!layering.groupOf.has(name)) units.push(single(name, layering.layerOf.get(name) ?? -1));
      }
      const waves = packWaves(units, { maxVmsPerWave: 1 + Math.floor(random() * 4), maxPerHost: 2 });
      const waveOfUnit = new Map(waves.flatMap((w) => w.units.map((key) => [key, w.index] as const)));
      const waveOfVm = new Map<string, number>();
      for (const unit of units) for (const v of unit.vms) waveOfVm.set(v.id, waveOfUnit.get(unit.key) ?? -1);
      expect(waveOfVm.size).toBe(n);
      expect([...waveOfVm.values()].every((w) => w > 0)).toBe(true);
      expect(checkPlanOrder(waveOfVm, edges, layering.groupOf)).toEqual([]);
    }
  });
});

describe('checkPlanOrder', () => {
  const waveOfVm = new Map([
    ['a', 1],
    ['b', 1],
    ['c', 2],
    ['d', 3],
    ['e', 2],
    ['f', 1],
    ['g1', 2],
    ['g2', 2],
    ['h1', 2],
    ['h2', 3],
  ]);
  const groupOf = new Map([
    ['g1', 0],
    ['g2', 0],
    ['h1', 1],
    ['h2', 1],
  ]);

  it('finds dependencies in the same or a later wave, and split move groups', () => {
    const edges: Array<readonly [string, string]> = [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
      ['e', 'f'],
      ['g1', 'g2'],
      ['g2', 'g1'],
      ['h1', 'h2'],
      ['x', 'a'],
      ['a', 'a'],
    ];
    expect(checkPlanOrder(waveOfVm, edges, groupOf)).toEqual([
      'a (wave 1) depends on b (wave 1), which is not in an earlier wave',
      'c (wave 2) depends on d (wave 3), which is not in an earlier wave',
      'h1 (wave 2) and h2 (wave 3) are in move group 1 but in different waves',
    ]);
  });

  it('accepts a plan where every dependency is earlier', () => {
    expect(
      checkPlanOrder(
        waveOfVm,
        [
          ['c', 'a'],
          ['d', 'c'],
          ['g1', 'f'],
        ],
        groupOf,
      ),
    ).toEqual([]);
  });
});
