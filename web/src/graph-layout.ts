/** Layered layout of a dependency graph: a VM sits one column right of the deepest VM it depends on. */
export interface LayoutNode {
  id: string;
  dependsOn: string[];
}

export interface Placed {
  id: string;
  layer: number;
  row: number;
}

export function layerOf(nodes: LayoutNode[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const deps = new Map(nodes.map((n) => [n.id, n.dependsOn.filter((d) => ids.has(d) && d !== n.id)]));
  const layer = new Map<string, number>();
  // Longest-path layering by relaxation; at most |V| passes, so a cycle (a move group) cannot loop for ever.
  for (const n of nodes) layer.set(n.id, 0);
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const n of nodes) {
      const want = Math.max(0, ...deps.get(n.id)!.map((d) => layer.get(d)! + 1));
      if (want > layer.get(n.id)! && want < nodes.length) {
        layer.set(n.id, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return layer;
}

export function place(nodes: LayoutNode[]): Placed[] {
  const layer = layerOf(nodes);
  const rows = new Map<number, number>();
  return nodes.map((n) => {
    const l = layer.get(n.id)!;
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    return { id: n.id, layer: l, row };
  });
}
