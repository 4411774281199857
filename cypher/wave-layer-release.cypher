// One Kahn round of the first pass (single VMs, no move groups yet): the frontier (already layered) releases
// its dependents. Each dependent counts the released edges off its pending-dependency counter; the counter is
// set the first time the dependent is reached (its DEPENDS_ON edges to still unlayered VMs of the scope), so a
// VM whose dependencies all land in one round is never written a counter. A dependent whose counter reaches 0
// takes its layer (frontier layer + 1: in this pass the round is the longest-path layer) and is the next
// frontier. Each edge is visited once when its dependency is released and once when its dependent is first
// reached, so the pass is linear in nodes + edges. In this pass every VM of the frontier is on the layer just
// below the dependents it completes, so `via` (the dependency on the layer below with the smallest id, the
// next VM on the longest chain) is the smallest releasing id. Rows are [node, VM id, layer, via].
UNWIND $units AS unitId
MATCH (v:VM) WHERE elementId(v) = unitId
MATCH (d:VM)-[:DEPENDS_ON]->(v)
WHERE d.ffoWaveRun = $run AND d <> v
WITH d, count(*) AS released, max(v.ffoWaveLayer) AS top, min(v.id) AS via
CALL {
  WITH d
  WITH d WHERE d.ffoWavePending IS NULL
  MATCH (d)-[:DEPENDS_ON]->(x:VM)
  WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer IS NULL AND x <> d
  RETURN count(x) AS waiting
}
WITH d, top, via, CASE WHEN d.ffoWavePending IS NULL THEN waiting ELSE d.ffoWavePending - released END AS pending
FOREACH (_ IN CASE WHEN pending = 0 THEN [1] ELSE [] END | SET d.ffoWaveLayer = top + 1)
FOREACH (_ IN CASE WHEN pending = 0 THEN [] ELSE [1] END | SET d.ffoWavePending = pending)
WITH d, top, via WHERE pending = 0
RETURN collect([elementId(d), d.id, top + 1, via]) AS layered
