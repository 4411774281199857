// One Kahn round of the first pass (single VMs, no move groups yet): the frontier (already layered) releases
// its dependents. Every VM of the scope got its pending-dependency counter in wave-counters-init; a dependent
// counts the released edges off it, and one whose counter reaches 0 takes its layer (frontier layer + 1: in this
// pass the round is the longest-path layer) and is the next frontier. Each edge is visited once, when its
// dependency is released, so the pass is linear in nodes + edges. The frontier's id and layer are read once per
// frontier VM, not once per edge, and the run id alone tells a scope VM (only scope VMs carry it). Every VM of the
// frontier is on the layer just below the dependents it completes, so `via` (the dependency on the layer below
// with the smallest id, the next VM on the longest chain) is the smallest releasing id.
// Rows are [node, VM id, layer, via].
UNWIND $units AS unitId
MATCH (v:VM)
WHERE elementId(v) = unitId
WITH v, v.id AS releasing, v.ffoWaveLayer AS layer
MATCH (d)-[:DEPENDS_ON]->(v)
WHERE d.ffoWaveRun = $run AND d <> v
WITH d, count(*) AS released, max(layer) AS top, min(releasing) AS via
WITH d, top, via, d.ffoWavePending - released AS pending
SET d.ffoWavePending = pending
WITH d, top, via
WHERE pending = 0
SET d.ffoWaveLayer = top + 1
RETURN collect([elementId(d), d.id, top + 1, via]) AS layered
