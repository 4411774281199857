// Where a VM sits in a plan (its newest plan when $planId is null): wave, Kahn layer, the dependency that
// set the layer, its move group, and the first wave of its layer (to tell a spill from a dependency).
MATCH (v:VM {id: $vmId})-[r:IN_WAVE]->(w:Wave)-[:IN_PLAN]->(p:WavePlan)
WHERE $planId IS NULL OR w.planId = $planId
WITH v, r, w, p ORDER BY p.createdAt DESC
LIMIT 1
OPTIONAL MATCH (via:VM {id: r.via})
OPTIONAL MATCH (mg:MoveGroup {id: r.moveGroup})
CALL {
  WITH r, w
  MATCH (w2:Wave {planId: w.planId})
  WHERE r.layer IN w2.layers
  RETURN min(w2.index) AS layerFirstWave
}
RETURN v.name AS name, w.planId AS planId, p.name AS planName, p.version AS planVersion, w.index AS wave,
       r.layer AS layer, r.via AS viaId, via.name AS viaName, mg.name AS moveGroup,
       COLLECT { MATCH (m:VM)-[:IN_MOVE_GROUP]->(mg) RETURN m.name ORDER BY m.name } AS groupMembers,
       layerFirstWave
