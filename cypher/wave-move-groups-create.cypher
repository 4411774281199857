// Turns each dependency cycle into a move group of the plan: one Kahn unit for the second pass. Its counter is
// the edges from its members to still unlayered VMs outside it, its bound 1 + the highest layer among the
// members' layered dependencies. Groups whose counter is 0 take their layer (members too) and are the first
// frontier of the second pass; for those, `via` is the smallest id among the members' outside dependencies on
// the layer below. Rows of `layered` are [node, move group id, layer, via].
UNWIND $groups AS g
CREATE (mg:MoveGroup {id: g.id, planId: $planId, name: g.name, size: size(g.members), createdAt: datetime()})
SET mg.ffoWaveRun = $run
WITH mg, g
UNWIND g.members AS vmId
MATCH (v:VM {id: vmId})
CREATE (v)-[:IN_MOVE_GROUP]->(mg)
SET v.ffoWaveUnit = elementId(mg)
WITH mg, g, collect(v) AS members
CALL {
  WITH g, members
  UNWIND members AS m
  OPTIONAL MATCH (m)-[:DEPENDS_ON]->(x:VM)
  WHERE x.ffoWaveRun = $run AND NOT x.id IN g.members
  RETURN count(x) - count(x.ffoWaveLayer) AS pending, coalesce(max(x.ffoWaveLayer) + 1, 0) AS bound
}
SET mg.ffoWavePending = pending, mg.ffoWaveMin = bound
FOREACH (m IN CASE WHEN pending = 0 THEN members ELSE [] END | SET m.ffoWaveLayer = bound)
FOREACH (_ IN CASE WHEN pending = 0 THEN [1] ELSE [] END | SET mg.ffoWaveLayer = bound)
WITH mg, g, members, pending, bound
CALL {
  WITH g, members, pending, bound
  WITH g, members, bound WHERE pending = 0
  UNWIND members AS m
  MATCH (m)-[:DEPENDS_ON]->(x:VM)
  WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer = bound - 1 AND NOT x.id IN g.members
  RETURN min(x.id) AS via
}
RETURN count(mg) AS groups,
       [u IN collect(CASE WHEN pending = 0 THEN [elementId(mg), mg.id, bound, via] END) WHERE u IS NOT NULL] AS layered
