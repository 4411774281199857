// Kahn's pending-dependency counter: per unlayered unit (a VM, or its move group), the DEPENDS_ON edges to
// other unlayered units of the scope. Edges inside a move group and to VMs outside the scope do not count.
// A counter left from an earlier pass is reset first (absent = 0, so most units are never written here).
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND v.ffoWaveLayer IS NULL
CALL {
  WITH v
  MATCH (u) WHERE elementId(u) = v.ffoWaveUnit AND coalesce(u.ffoWavePending, 0) <> 0
  SET u.ffoWavePending = 0
}
WITH v
MATCH (v)-[:DEPENDS_ON]->(x:VM)
WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer IS NULL AND x.ffoWaveUnit <> v.ffoWaveUnit
WITH v.ffoWaveUnit AS unit, count(*) AS pending
MATCH (u) WHERE elementId(u) = unit
SET u.ffoWavePending = pending
RETURN count(u) AS waiting
