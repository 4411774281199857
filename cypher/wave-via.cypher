// After layering: per unit the dependency that set its layer, i.e. one on the layer just below (smallest VM id
// among them); following it gives a VM's longest dependency chain. One pass over the scope's edges.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND v.ffoWaveLayer > 0
MATCH (v)-[:DEPENDS_ON]->(x:VM)
WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer = v.ffoWaveLayer - 1 AND x.ffoWaveUnit <> v.ffoWaveUnit
WITH v.ffoWaveUnit AS unitId, min(x.id) AS via
MATCH (u) WHERE elementId(u) = unitId
SET u.ffoWaveVia = via
RETURN count(u) AS units
