/**
 * Layered layout of a dependency graph: a VM sits one column right of the deepest VM it depends on. A dependency
 * cycle (a move group) is one unit: its VMs share a column, so a cycle cannot stretch the drawing.
 */
export interface LayoutNode {
  id: string;
  dependsOn: string[];
}

export interface Placed {
  id: string;
  layer: number;
  row: number;
}

/** Strongly connected components (Tarjan, iterative so a long chain cannot overflow the stack): id → component. */
function components(ids: string[], deps: Map<string, string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let next = 0;
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; child: number }[] = [{ id: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const children = deps.get(frame.id)!;
      if (frame.child < children.length) {
        const child = children[frame.child++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.set(member, next);
        } while (member !== frame.id);
        next++;
      }
    }
  }
  return component;
}

export function layerOf(nodes: LayoutNode[]): Map<string, number> {
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const deps = new Map(nodes.map((n) => [n.id, n.dependsOn.filter((d) => known.has(d) && d !== n.id)]));
  const component = components(ids, deps);
  // Tarjan numbers a component only after every component it depends on: ascending order is a topological one.
  const order = [...new Set(ids.map((id) => component.get(id)!))].sort((a, b) => a - b);
  const members = new Map<number, string[]>();
  for (const id of ids) members.set(component.get(id)!, [...(members.get(component.get(id)!) ?? []), id]);
  const componentLayer = new Map<number, number>();
  for (const c of order) {
    let layer = 0;
    for (const id of members.get(c)!)
      for (const d of deps.get(id)!) {
        const dc = component.get(d)!;
        if (dc !== c) layer = Math.max(layer, componentLayer.get(dc)! + 1);
      }
    componentLayer.set(c, layer);
  }
  return new Map(ids.map((id) => [id, componentLayer.get(component.get(id)!)!]));
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
