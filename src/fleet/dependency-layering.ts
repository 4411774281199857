/**
 * In-memory reference planner: orders VMs into dependency layers, collapsing dependency cycles into move groups.
 * It is also the baseline the Cypher implementation is benchmarked against, so it works on integer indices and
 * typed arrays and every traversal is iterative (100,000 nodes / 500,000 edges must not blow the call stack).
 */

/** An edge [from, to] means `from` depends on `to`: `to` must move no later than `from` (strictly earlier unless both are in the same move group). */
export interface DependencyGraph {
  nodes: readonly string[];
  edges: ReadonlyArray<readonly [string, string]>;
}

export interface Layering {
  /** layer per node: 0 = depends on nothing (in scope); otherwise 1 + max layer of its dependencies' units. Members of a move group share a layer. */
  layerOf: Map<string, number>;
  /** strongly connected components with more than one node (self-edges are ignored); members sorted, groups sorted by their first member */
  moveGroups: string[][];
  /** node -> index into moveGroups */
  groupOf: Map<string, number>;
  /**
   * node -> the dependency (outside its own move group) that determines its layer (the one with the highest layer;
   * ties broken by smallest node name), or null at layer 0. For a move group the dependencies of all its members
   * count, so every member has the same `via`. Following `via` gives the longest dependency chain.
   */
  via: Map<string, string | null>;
  layerCount: number;
}

/** Names compare by UTF-16 code units, not locale, so the result is the same on every machine. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Component id per node (iterative Tarjan over a CSR adjacency). Ids are dense from 0 and come out in reverse
 * topological order: for an edge u→v between different components, comp[v] < comp[u].
 */
export function stronglyConnectedComponents(
  nodeCount: number,
  edgeFrom: Int32Array,
  edgeTo: Int32Array,
): Int32Array {
  const offsets = csrOffsets(nodeCount, edgeFrom);
  const targets = csrFill(offsets, edgeFrom, edgeTo);

  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const onStack = new Uint8Array(nodeCount);
  const stack = new Int32Array(nodeCount);
  // The explicit call stack: the node being visited and the next of its edges to look at.
  const callNode = new Int32Array(nodeCount);
  const callEdge = new Int32Array(nodeCount);
  const comp = new Int32Array(nodeCount).fill(-1);
  let sp = 0;
  let csp = 0;
  let nextIndex = 0;
  let compCount = 0;

  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1) continue;
    index[root] = low[root] = nextIndex++;
    stack[sp++] = root;
    onStack[root] = 1;
    callNode[csp] = root;
    callEdge[csp] = offsets[root];
    csp++;

    while (csp > 0) {
      const v = callNode[csp - 1];
      const e = callEdge[csp - 1];
      if (e < offsets[v + 1]) {
        callEdge[csp - 1] = e + 1;
        const w = targets[e];
        if (index[w] === -1) {
          index[w] = low[w] = nextIndex++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[csp] = w;
          callEdge[csp] = offsets[w];
          csp++;
        } else if (onStack[w] === 1 && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      // All edges of v done: close its component if v is a root, then hand low[v] back to the caller.
      csp--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          comp[w] = compCount;
        } while (w !== v);
        compCount++;
      }
      if (csp > 0) {
        const parent = callNode[csp - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
    }
  }
  return comp;
}

export function layerDependencies(graph: DependencyGraph): Layering {
  const names: string[] = [];
  const idOf = new Map<string, number>();
  for (const name of graph.nodes) {
    if (idOf.has(name)) continue;
    idOf.set(name, names.length);
    names.push(name);
  }
  const n = names.length;

  // Keep only edges inside the scope: a dependency on something not being planned constrains nothing here.
  const fromAll = new Int32Array(graph.edges.length);
  const toAll = new Int32Array(graph.edges.length);
  let m = 0;
  for (const [from, to] of graph.edges) {
    const u = idOf.get(from);
    const v = idOf.get(to);
    if (u === undefined || v === undefined) continue;
    // A VM cannot wait for itself: a self-edge constrains nothing (the Cypher planner ignores it too).
    if (u === v) continue;
    fromAll[m] = u;
    toAll[m] = v;
    m++;
  }
  const edgeFrom = fromAll.subarray(0, m);
  const edgeTo = toAll.subarray(0, m);

  const comp = stronglyConnectedComponents(n, edgeFrom, edgeTo);
  let unitCount = 0;
  for (let i = 0; i < n; i++) if (comp[i] + 1 > unitCount) unitCount = comp[i] + 1;

  const unitLayer = kahnLayers(unitCount, comp, edgeFrom, edgeTo);

  // via per unit: among cross-unit dependencies, the one on the layer just below (the highest), smallest name.
  const unitVia = new Int32Array(unitCount).fill(-1);
  for (let e = 0; e < m; e++) {
    const cu = comp[edgeFrom[e]];
    const v = edgeTo[e];
    const cv = comp[v];
    if (cu === cv || unitLayer[cv] !== unitLayer[cu] - 1) continue;
    const best = unitVia[cu];
    if (best === -1 || names[v] < names[best]) unitVia[cu] = v;
  }

  // Move groups: components of several nodes.
  const unitSize = new Int32Array(unitCount);
  for (let i = 0; i < n; i++) unitSize[comp[i]]++;
  const membersOf = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    const c = comp[i];
    if (unitSize[c] < 2) continue;
    const members = membersOf.get(c);
    if (members) members.push(names[i]);
    else membersOf.set(c, [names[i]]);
  }
  const moveGroups = [...membersOf.values()].map((members) => members.sort(byName));
  moveGroups.sort((a, b) => byName(a[0], b[0]));
  const groupOf = new Map<string, number>();
  moveGroups.forEach((members, g) => {
    for (const member of members) groupOf.set(member, g);
  });

  const layerOf = new Map<string, number>();
  const via = new Map<string, string | null>();
  let layerCount = 0;
  for (let i = 0; i < n; i++) {
    const c = comp[i];
    const layer = unitLayer[c];
    layerOf.set(names[i], layer);
    via.set(names[i], unitVia[c] === -1 ? null : names[unitVia[c]]);
    if (layer + 1 > layerCount) layerCount = layer + 1;
  }
  return { layerOf, moveGroups, groupOf, via, layerCount };
}

/** [node, via(node), via(via(node)), ...] down to a node on layer 0; empty for a node that is not in the layering. */
export function longestChain(layering: Layering, node: string): string[] {
  if (!layering.layerOf.has(node)) return [];
  const chain = [node];
  // Layers strictly decrease along `via`, so the chain is at most layerCount long; the bound guards a hand-made Layering.
  let next = layering.via.get(node) ?? null;
  while (next !== null && chain.length <= layering.layerCount) {
    chain.push(next);
    next = layering.via.get(next) ?? null;
  }
  return chain;
}

/**
 * Longest-path layers over the condensation, by Kahn: a unit becomes ready once all of its dependency edges are
 * counted off, and its layer is then final (1 + the highest layer among them).
 */
function kahnLayers(
  unitCount: number,
  comp: Int32Array,
  edgeFrom: Int32Array,
  edgeTo: Int32Array,
): Int32Array {
  const pending = new Int32Array(unitCount);
  // Reverse adjacency at unit level: for each unit, the units that depend on it (one entry per cross edge).
  const depFrom = new Int32Array(edgeFrom.length);
  const depTo = new Int32Array(edgeFrom.length);
  let k = 0;
  for (let e = 0; e < edgeFrom.length; e++) {
    const cu = comp[edgeFrom[e]];
    const cv = comp[edgeTo[e]];
    if (cu === cv) continue;
    pending[cu]++;
    depFrom[k] = cv;
    depTo[k] = cu;
    k++;
  }
  const from = depFrom.subarray(0, k);
  const offsets = csrOffsets(unitCount, from);
  const dependents = csrFill(offsets, from, depTo.subarray(0, k));

  const layer = new Int32Array(unitCount);
  const queue = new Int32Array(unitCount);
  let head = 0;
  let tail = 0;
  for (let c = 0; c < unitCount; c++) if (pending[c] === 0) queue[tail++] = c;
  while (head < tail) {
    const c = queue[head++];
    const next = layer[c] + 1;
    for (let e = offsets[c]; e < offsets[c + 1]; e++) {
      const d = dependents[e];
      if (next > layer[d]) layer[d] = next;
      if (--pending[d] === 0) queue[tail++] = d;
    }
  }
  // The condensation is acyclic, so every unit was reached.
  return layer;
}

/** CSR row offsets: offsets[i]..offsets[i+1] index the edges leaving node i. */
function csrOffsets(nodeCount: number, edgeFrom: Int32Array): Int32Array {
  const offsets = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeFrom.length; e++) offsets[edgeFrom[e] + 1]++;
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] += offsets[i];
  return offsets;
}

function csrFill(offsets: Int32Array, edgeFrom: Int32Array, edgeTo: Int32Array): Int32Array {
  const cursor = offsets.slice(0, offsets.length - 1);
  const targets = new Int32Array(edgeFrom.length);
  for (let e = 0; e < edgeFrom.length; e++) targets[cursor[edgeFrom[e]]++] = edgeTo[e];
  return targets;
}
