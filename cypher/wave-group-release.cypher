// One Kahn round of the second pass, over what the first could not layer, with each cycle condensed into its
// move group: the frontier units (VMs or move groups, already layered) release the units depending on them.
// A unit's layer is 1 + the highest layer among its dependencies, so next to its counter it keeps that bound
// (ffoWaveMin). A VM got both before this pass (its counter in wave-counters-init, counted down by the first
// pass; its bound in wave-residual-edges), a move group when it was made. Aggregating per dependent unit makes
// the result independent of row order. Linear in nodes + edges like the first pass: each edge is visited once,
// when its dependency is released. A move group that takes its layer reads its members once, for their layer
// and their `via`; a unit that takes its layer gets its `via` (the smallest id among its dependencies, its
// members' for a move group, on the layer just below) from one more look at its edges, once.
// Rows are [node, VM or move group id, layer, via].
UNWIND $units AS unitId
MATCH (u)
WHERE elementId(u) = unitId
WITH u, unitId, u.ffoWaveLayer AS layer,
     CASE WHEN u:MoveGroup THEN COLLECT { MATCH (m:VM)-[:IN_MOVE_GROUP]->(u) RETURN m } ELSE [u] END AS members
UNWIND members AS v
MATCH (d)-[:DEPENDS_ON]->(v)
WHERE d.ffoWaveRun = $run AND d.ffoWaveLayer IS NULL AND coalesce(d.ffoWaveUnit, elementId(d)) <> unitId
WITH coalesce(d.ffoWaveUnit, elementId(d)) AS dependent, count(*) AS released, max(layer) AS top
MATCH (du)
WHERE elementId(du) = dependent
WITH du, du.ffoWavePending - released AS pending,
     CASE WHEN top + 1 > du.ffoWaveMin THEN top + 1 ELSE du.ffoWaveMin END AS bound
WITH du, pending, bound,
     CASE WHEN pending = 0 AND du:MoveGroup THEN COLLECT { MATCH (m:VM)-[:IN_MOVE_GROUP]->(du) RETURN m } ELSE [] END AS members
FOREACH (_ IN CASE WHEN pending = 0 THEN [1] ELSE [] END | SET du.ffoWaveLayer = bound)
FOREACH (m IN members | SET m.ffoWaveLayer = bound)
FOREACH (_ IN CASE WHEN pending = 0 THEN [] ELSE [1] END | SET du.ffoWavePending = pending, du.ffoWaveMin = bound)
WITH du, bound, members
WHERE pending = 0
CALL {
  WITH du, bound, members
  UNWIND CASE WHEN du:MoveGroup THEN members ELSE [du] END AS m
  MATCH (m)-[:DEPENDS_ON]->(x:VM)
  WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer = bound - 1
  RETURN min(x.id) AS via
}
RETURN collect([elementId(du), du.id, bound, via]) AS layered
