// One Kahn round: the frontier units take their layer (1 + the highest layer among their dependencies, kept in
// ffoWaveMin), and every unit depending on them counts its released dependencies off and raises its bound.
// Aggregating per dependent unit makes the result independent of row order; which dependency set the layer
// (`via`) is found once at the end (wave-via). Returns the next frontier.
// Each edge is visited once over the whole plan, so the pass is linear in nodes + edges.
UNWIND $units AS unitId
MATCH (u) WHERE elementId(u) = unitId
WITH u, coalesce(u.ffoWaveMin, 0) AS layer
SET u.ffoWaveLayer = layer
WITH u, layer, CASE WHEN u:MoveGroup THEN COLLECT { MATCH (m:VM)-[:IN_MOVE_GROUP]->(u) RETURN m } ELSE [u] END AS members
FOREACH (m IN CASE WHEN u:MoveGroup THEN members ELSE [] END | SET m.ffoWaveLayer = layer)
WITH layer, members
UNWIND members AS v
MATCH (d:VM)-[:DEPENDS_ON]->(v)
WHERE d.ffoWaveRun = $run AND d.ffoWaveLayer IS NULL AND d.ffoWaveUnit <> v.ffoWaveUnit
WITH d.ffoWaveUnit AS unitId, count(*) AS released, max(layer) AS top
MATCH (du) WHERE elementId(du) = unitId
SET du.ffoWavePending = du.ffoWavePending - released,
    du.ffoWaveMin = CASE WHEN top + 1 > coalesce(du.ffoWaveMin, 0) THEN top + 1 ELSE du.ffoWaveMin END
WITH du
WHERE du.ffoWavePending = 0
RETURN collect(elementId(du)) AS units
