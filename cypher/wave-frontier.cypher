// The first frontier of Kahn: the VMs of the scope that depend on no other VM of the scope. They take layer 0
// in one SET; the first wave-layer-release expands them. `layered` rows are [node, VM id, layer, via]: the
// planner keeps each round's answer, so the layering is never read back.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND NOT EXISTS { (v)-[:DEPENDS_ON]->(x:VM) WHERE x.ffoWaveRun = $run AND x <> v }
SET v.ffoWaveLayer = 0
RETURN collect([elementId(v), v.id, 0, null]) AS layered
