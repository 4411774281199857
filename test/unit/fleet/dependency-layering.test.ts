import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '../../../src/fleet/synthetic-estate.js';
import {
  layerDependencies,
  longestChain,
  stronglyConnectedComponents,
  type DependencyGraph,
  type Layering,
} from '../../../src/fleet/dependency-layering.js';

type Edge = readonly [string, string];

const graph = (nodes: string[], edges: Edge[]): DependencyGraph => ({ nodes, edges });

/** Maps sorted by key, so expectations read as plain objects. */
const layers = (l: Layering): Record<string, number> => Object.fromEntries([...l.layerOf].sort());
const vias = (l: Layering): Record<string, string | null> => Object.fromEntries([...l.via].sort());
const groups = (l: Layering): Record<string, number> => Object.fromEntries([...l.groupOf].sort());

describe('stronglyConnectedComponents', () => {
  it('finds cycles and numbers components dependencies first', () => {
    // 0↔1, 2→0, 3 alone, 4→4
    const comp = stronglyConnectedComponents(5, Int32Array.from([0, 1, 2, 4]), Int32Array.from([1, 0, 0, 4]));
    expect(comp[0]).toBe(comp[1]);
    expect(new Set(comp).size).toBe(4);
    expect(comp[2]).toBeGreaterThan(comp[0]);
    expect([...comp].sort()).toEqual([0, 0, 1, 2, 3]);
  });

  it('handles no nodes', () => {
    expect(stronglyConnectedComponents(0, new Int32Array(0), new Int32Array(0))).toEqual(new Int32Array(0));
  });
});

describe('layerDependencies', () => {
  it('layers a chain and follows via down it', () => {
    const l = layerDependencies(
      graph(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'd'],
        ],
      ),
    );
    expect(layers(l)).toEqual({ a: 3, b: 2, c: 1, d: 0 });
    expect(vias(l)).toEqual({ a: 'b', b: 'c', c: 'd', d: null });
    expect(l.moveGroups).toEqual([]);
    expect(l.groupOf.size).toBe(0);
    expect(l.layerCount).toBe(4);
    expect(longestChain(l, 'a')).toEqual(['a', 'b', 'c', 'd']);
    expect(longestChain(l, 'd')).toEqual(['d']);
    expect(longestChain(l, 'nope')).toEqual([]);
  });

  it('layers a diamond with a shortcut by its longest path, ties on the smallest name', () => {
    const l = layerDependencies(
      graph(
        ['top', 'right', 'left', 'bottom'],
        [
          ['top', 'right'],
          ['top', 'left'],
          ['top', 'bottom'],
          ['left', 'bottom'],
          ['right', 'bottom'],
        ],
      ),
    );
    expect(layers(l)).toEqual({ bottom: 0, left: 1, right: 1, top: 2 });
    expect(vias(l)).toEqual({ bottom: null, left: 'bottom', right: 'bottom', top: 'left' });
    expect(l.layerCount).toBe(3);
  });

  it('picks the highest-layer dependency as via even when a smaller name sits lower', () => {
    const l = layerDependencies(
      graph(
        ['n', 'a', 'z', 'q', 'y'],
        [
          ['n', 'a'],
          ['n', 'z'],
          ['n', 'y'],
          ['z', 'q'],
          ['y', 'q'],
        ],
      ),
    );
    expect(layers(l)).toEqual({ a: 0, n: 2, q: 0, y: 1, z: 1 });
    expect(l.via.get('n')).toBe('y');
    expect(longestChain(l, 'n')).toEqual(['n', 'y', 'q']);
  });

  it('layers two independent DAGs and an isolated node side by side', () => {
    const l = layerDependencies(
      graph(
        ['x', 'y', 'p', 'q', 'r', 'z'],
        [
          ['x', 'y'],
          ['p', 'q'],
          ['q', 'r'],
        ],
      ),
    );
    expect(layers(l)).toEqual({ p: 2, q: 1, r: 0, x: 1, y: 0, z: 0 });
    expect(vias(l)).toEqual({ p: 'q', q: 'r', r: null, x: 'y', y: null, z: null });
    expect(l.layerCount).toBe(3);
  });

  it('makes a 2-cycle a move group whose members share the layer and the via', () => {
    const l = layerDependencies(
      graph(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'b'],
          ['b', 'a'],
          ['b', 'd'],
          ['c', 'a'],
        ],
      ),
    );
    expect(l.moveGroups).toEqual([['a', 'b']]);
    expect(groups(l)).toEqual({ a: 0, b: 0 });
    expect(layers(l)).toEqual({ a: 1, b: 1, c: 2, d: 0 });
    // a has no dependency outside the group itself; the group's (b→d) decides for both.
    expect(vias(l)).toEqual({ a: 'd', b: 'd', c: 'a', d: null });
    expect(longestChain(l, 'c')).toEqual(['c', 'a', 'd']);
  });

  it('layers a 3-cycle with a tail into it and a tail out of it', () => {
    const l = layerDependencies(
      graph(
        ['s2', 's', 'm1', 'm2', 'm3', 't1', 't2'],
        [
          ['m1', 'm2'],
          ['m2', 'm3'],
          ['m3', 'm1'],
          ['m2', 't1'],
          ['t1', 't2'],
          ['s', 'm3'],
          ['s2', 's'],
        ],
      ),
    );
    expect(l.moveGroups).toEqual([['m1', 'm2', 'm3']]);
    expect(layers(l)).toEqual({ m1: 2, m2: 2, m3: 2, s: 3, s2: 4, t1: 1, t2: 0 });
    expect(vias(l)).toEqual({ m1: 't1', m2: 't1', m3: 't1', s: 'm3', s2: 's', t1: 't2', t2: null });
    expect(l.layerCount).toBe(5);
    expect(longestChain(l, 's2')).toEqual(['s2', 's', 'm3', 't1', 't2']);
  });

  it('merges nested cycles into one move group and sorts groups by their first member', () => {
    const l = layerDependencies(
      graph(
        // y/z listed first so the discovery order differs from the sorted order
        ['z', 'y', 'g', 'e', 'd', 'c', 'b', 'a', 'f'],
        [
          ['z', 'y'],
          ['y', 'z'],
          ['a', 'b'],
          ['b', 'a'],
          ['b', 'c'],
          ['c', 'd'],
          ['d', 'b'],
          ['d', 'e'],
          ['e', 'd'],
          ['e', 'f'],
          ['g', 'c'],
        ],
      ),
    );
    expect(l.moveGroups).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['y', 'z'],
    ]);
    expect(groups(l)).toEqual({ a: 0, b: 0, c: 0, d: 0, e: 0, y: 1, z: 1 });
    expect(layers(l)).toEqual({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 0, g: 2, y: 0, z: 0 });
    expect(vias(l)).toEqual({ a: 'f', b: 'f', c: 'f', d: 'f', e: 'f', f: null, g: 'c', y: null, z: null });
  });

  it('ignores a self-loop: a VM cannot wait for itself', () => {
    const l = layerDependencies(
      graph(
        ['a', 'b', 'c'],
        [
          ['a', 'a'],
          ['b', 'a'],
        ],
      ),
    );
    expect(l.moveGroups).toEqual([]);
    expect(groups(l)).toEqual({});
    expect(layers(l)).toEqual({ a: 0, b: 1, c: 0 });
    expect(vias(l)).toEqual({ a: null, b: 'a', c: null });
  });

  it('ignores edges to and from nodes outside the scope', () => {
    const l = layerDependencies(
      graph(
        ['a', 'b', 'c'],
        [
          ['a', 'ext'],
          ['a', 'b'],
          ['ext', 'a'],
          ['c', 'ext2'],
          ['ext', 'ext'],
        ],
      ),
    );
    expect(layers(l)).toEqual({ a: 1, b: 0, c: 0 });
    expect(vias(l)).toEqual({ a: 'b', b: null, c: null });
    expect(l.moveGroups).toEqual([]);
    expect(l.layerOf.has('ext')).toBe(false);
  });

  it('gives the same answer with duplicate edges and duplicate nodes', () => {
    const l = layerDependencies(
      graph(
        ['a', 'b', 'c', 'a'],
        [
          ['a', 'b'],
          ['a', 'b'],
          ['b', 'c'],
          ['b', 'c'],
          ['b', 'c'],
        ],
      ),
    );
    expect(layers(l)).toEqual({ a: 2, b: 1, c: 0 });
    expect(vias(l)).toEqual({ a: 'b', b: 'c', c: null });
    expect(l.layerCount).toBe(3);
  });

  it('returns an empty layering for an empty graph', () => {
    const l = layerDependencies(graph([], []));
    expect(l.layerCount).toBe(0);
    expect(l.layerOf.size).toBe(0);
    expect(l.moveGroups).toEqual([]);
  });

  it('walks a 100,000-node chain and a 100,000-node cycle without recursion', () => {
    const n = 100_000;
    const nodes = Array.from({ length: n }, (_, i) => `vm-${i}`);
    const chain: Edge[] = nodes.slice(1).map((name, i) => [name, nodes[i]] as const);
    const layered = layerDependencies(graph(nodes, chain));
    expect(layered.layerCount).toBe(n);
    expect(layered.layerOf.get(`vm-${n - 1}`)).toBe(n - 1);
    expect(longestChain(layered, `vm-${n - 1}`)).toHaveLength(n);

    const cycle = layerDependencies(graph(nodes, [...chain, [nodes[0], nodes[n - 1]]]));
    expect(cycle.moveGroups).toHaveLength(1);
    expect(cycle.moveGroups[0]).toHaveLength(n);
    expect(cycle.layerCount).toBe(1);
  });

  describe('on random small graphs', () => {
    /** Reachability closure by Floyd–Warshall: reach[u][v] when u reaches v in one or more steps. */
    function closure(n: number, edges: Array<[number, number]>): boolean[][] {
      const reach = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
      for (const [u, v] of edges) reach[u][v] = true;
      for (let k = 0; k < n; k++)
        for (let i = 0; i < n; i++)
          if (reach[i][k]) for (let j = 0; j < n; j++) if (reach[k][j]) reach[i][j] = true;
      return reach;
    }

    it('matches brute force on 400 seeded graphs', () => {
      const random = seededRandom(20240611);
      let groupsSeen = 0;
      let deepest = 0;
      for (let round = 0; round < 400; round++) {
        const n = 1 + Math.floor(random() * 12);
        const names = Array.from({ length: n }, (_, i) => `n${String.fromCharCode(97 + ((i * 7) % 26))}${i}`);
        const idx: Array<[number, number]> = [];
        const edges: Edge[] = [];
        const edgeCount = Math.floor(random() * 2.2 * n);
        for (let e = 0; e < edgeCount; e++) {
          const u = Math.floor(random() * n);
          const v = Math.floor(random() * n);
          if (u !== v) idx.push([u, v]);
          edges.push([names[u], names[v]]);
          if (random() < 0.1) edges.push([names[u], 'outside']);
        }
        const l = layerDependencies(graph(names, edges));
        const reach = closure(n, idx);
        const sameUnit = (u: number, v: number): boolean => u === v || (reach[u][v] && reach[v][u]);
        const layerOf = (i: number): number => {
          const layer = l.layerOf.get(names[i]);
          if (layer === undefined) throw new Error(`no layer for ${names[i]}`);
          return layer;
        };
        // Collect what is wrong and compare once per graph: cheap when passing, and the failure shows the graph.
        const wrong: string[] = [];
        const check = (ok: boolean, what: string): void => {
          if (!ok) wrong.push(what);
        };

        check(l.layerOf.size === n, `layerOf has ${l.layerOf.size} nodes, not ${n}`);
        // Move groups are exactly the mutually reachable sets (self-edges do not count).
        for (let u = 0; u < n; u++) {
          const inGroup = l.groupOf.has(names[u]);
          check(inGroup === reach[u][u], `${names[u]} in a group: ${inGroup}`);
          for (let v = 0; v < n; v++) {
            if (u === v || !inGroup) continue;
            const together = l.groupOf.get(names[u]) === l.groupOf.get(names[v]);
            check(together === sameUnit(u, v), `${names[u]} and ${names[v]} together: ${together}`);
          }
        }
        groupsSeen += l.moveGroups.length;
        l.moveGroups.forEach((members, g) => {
          check(members.join() === [...members].sort().join(), `group ${g} members unsorted`);
          if (g > 0) check(l.moveGroups[g - 1][0] < members[0], `group ${g} out of order`);
          for (const member of members) check(l.groupOf.get(member) === g, `groupOf ${member} is not ${g}`);
        });

        for (let u = 0; u < n; u++) {
          for (const [a, b] of idx) {
            if (a !== u) continue;
            if (sameUnit(a, b))
              check(layerOf(a) === layerOf(b), `${names[a]}→${names[b]} same unit, layers differ`);
            else check(layerOf(a) > layerOf(b), `${names[a]}→${names[b]} not on a higher layer`);
          }
          // Minimality: 1 + the highest layer among the unit's dependencies (edges out of any member).
          const deps = idx.filter(([a, b]) => sameUnit(u, a) && !sameUnit(u, b)).map(([, b]) => b);
          const expected = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(layerOf));
          check(layerOf(u) === expected, `${names[u]} on layer ${layerOf(u)}, expected ${expected}`);
          const via = l.via.get(names[u]);
          const top = deps.filter((d) => layerOf(d) === expected - 1).map((d) => names[d]);
          const expectedVia = deps.length === 0 ? null : [...top].sort()[0];
          check(via === expectedVia, `${names[u]} via ${via}, expected ${expectedVia}`);
          const chainLayers = longestChain(l, names[u]).map((name) => l.layerOf.get(name));
          const descending = Array.from({ length: layerOf(u) + 1 }, (_, i) => layerOf(u) - i);
          check(chainLayers.join() === descending.join(), `${names[u]} chain layers ${chainLayers.join()}`);
          deepest = Math.max(deepest, layerOf(u));
        }
        const layerCount = 1 + Math.max(...names.map((_, i) => layerOf(i)));
        check(l.layerCount === layerCount, `layerCount ${l.layerCount}, expected ${layerCount}`);
        expect({ round, edges, wrong }).toEqual({ round, edges, wrong: [] });
      }
      // The generator must actually exercise cycles and depth, or the checks above prove little.
      expect(groupsSeen).toBeGreaterThan(100);
      expect(deepest).toBeGreaterThan(4);
    });
  });
});
