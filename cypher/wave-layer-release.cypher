// One Kahn round: the frontier units take their layer (1 + the highest layer among their dependencies, kept in
// ffoWaveMin), and every unit depending on them counts its released dependencies off and learns the layer it must
// follow. ffoWaveVia remembers which dependency set that layer (ties: smallest VM id): the longest chain.
// Aggregating per dependent unit makes the result independent of row order. Returns the next frontier.
// Each edge is visited once over the whole plan, so the pass is linear in nodes + edges.
UNWIND $units AS unitId
MATCH (u) WHERE elementId(u) = unitId
OPTIONAL MATCH (member:VM)-[:IN_MOVE_GROUP]->(u)
WITH u, CASE WHEN u:MoveGroup THEN collect(member) ELSE [u] END AS members
SET u.ffoWaveLayer = u.ffoWaveMin
WITH u.ffoWaveLayer AS layer, u.ffoWaveVia AS via, members
UNWIND members AS v
SET v.ffoWaveLayer = layer, v.ffoWaveMin = layer, v.ffoWaveVia = via
WITH v, layer
MATCH (d:VM)-[:DEPENDS_ON]->(v)
WHERE d.ffoWaveRun = $run AND d.ffoWaveLayer IS NULL AND d.ffoWaveUnit <> v.ffoWaveUnit
WITH d.ffoWaveUnit AS unitId, count(*) AS released, max(layer) AS top, collect([layer, v.id]) AS candidates
WITH unitId, released, top,
     reduce(best = null, c IN candidates | CASE WHEN c[0] = top AND (best IS NULL OR c[1] < best) THEN c[1] ELSE best END)
       AS topVia
MATCH (du) WHERE elementId(du) = unitId
WITH du, released,
     CASE WHEN top + 1 > du.ffoWaveMin
            OR (top + 1 = du.ffoWaveMin AND (du.ffoWaveVia IS NULL OR topVia < du.ffoWaveVia))
          THEN topVia ELSE du.ffoWaveVia END AS via,
     CASE WHEN top + 1 > du.ffoWaveMin THEN top + 1 ELSE du.ffoWaveMin END AS bound
SET du.ffoWavePending = du.ffoWavePending - released, du.ffoWaveVia = via, du.ffoWaveMin = bound
WITH du
WHERE du.ffoWavePending = 0
RETURN collect(elementId(du)) AS units
