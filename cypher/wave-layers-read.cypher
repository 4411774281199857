// The layered scope: per VM its layer, its move group and the dependency that set its layer, i.e. the smallest
// VM id among its dependencies on the layer just below (for a move group the planner takes the smallest over
// its members). Following it gives a VM's longest dependency chain. One pass over the scope's edges.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run
// (Matched by the run, not the indexed planId, so the planner expands from each VM.)
OPTIONAL MATCH (v)-[:IN_MOVE_GROUP]->(mg:MoveGroup)
WHERE mg.ffoWaveRun = $run
CALL {
  WITH v
  OPTIONAL MATCH (v)-[:DEPENDS_ON]->(x:VM)
  WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer = v.ffoWaveLayer - 1
  RETURN min(x.id) AS via
}
RETURN v.id AS vmId, v.ffoWaveLayer AS layer, via, mg.id AS moveGroup
