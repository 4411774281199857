// Kahn's pending-dependency counter: per unlayered unit (a VM, or its move group), the DEPENDS_ON edges to
// other unlayered units of the scope. Edges inside a move group and to VMs outside the scope do not count.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND v.ffoWaveLayer IS NULL
MATCH (u) WHERE elementId(u) = v.ffoWaveUnit
SET u.ffoWavePending = 0
WITH DISTINCT v
MATCH (v)-[:DEPENDS_ON]->(x:VM)
WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer IS NULL AND x.ffoWaveUnit <> v.ffoWaveUnit
WITH v.ffoWaveUnit AS unit, count(*) AS pending
MATCH (u) WHERE elementId(u) = unit
SET u.ffoWavePending = pending
RETURN count(u) AS waiting
