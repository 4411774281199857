// Dependency closure of one VM, bounded: a breadth-first spanning tree (APOC) that visits each VM once and
// stops one level past $maxDepth, only to tell whether the answer was truncated. Never an unbounded
// variable-length pattern over the estate. $relationshipFilter is 'DEPENDS_ON>' (upstream) or '<DEPENDS_ON'.
MATCH (root:VM {id: $vmId})
CALL apoc.path.spanningTree(root, {relationshipFilter: $relationshipFilter, labelFilter: '+VM',
                                   minLevel: 0, maxLevel: $maxDepth + 1, bfs: true})
YIELD path
WITH root, last(nodes(path)) AS vm, length(path) AS depth
WITH root, collect({vm: vm, depth: depth}) AS reached
WITH root, [r IN reached WHERE r.depth <= $maxDepth] AS inside, any(r IN reached WHERE r.depth > $maxDepth) AS truncated
WITH root, inside, truncated, [r IN inside | r.vm] AS members
RETURN
  {id: root.id, name: root.name, powerState: root.powerState, depth: 0} AS root,
  [r IN inside WHERE r.depth > 0 | {id: r.vm.id, name: r.vm.name, powerState: r.vm.powerState, depth: r.depth}] AS vms,
  COLLECT {
    UNWIND members AS a
    MATCH (a)-[d:DEPENDS_ON]->(b:VM)
    WHERE b IN members
    RETURN {from: a.id, to: b.id, reason: d.reason, confidence: d.confidence, source: d.source}
  } AS edges,
  truncated
