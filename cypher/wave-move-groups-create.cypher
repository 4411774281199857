// Turns each dependency cycle into a move group of the plan: one Kahn unit for the second pass. Its counter is
// the edges from its members to still unlayered VMs outside it, its bound 1 + the highest layer among the
// members' layered dependencies. Groups whose counter is 0 take their layer (members too) and are the first
// frontier of the second pass; for those, `via` is the smallest id among the members' outside dependencies on
// the layer below, taken from the same look at the members' edges. Rows of `layered` are
// [node, move group id, layer, via].
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
  WITH count(x) - count(x.ffoWaveLayer) AS pending, max(x.ffoWaveLayer) AS top,
       collect(CASE WHEN x.ffoWaveLayer IS NOT NULL THEN [x.ffoWaveLayer, x.id] END) AS layeredDeps
  RETURN pending, coalesce(top + 1, 0) AS bound,
         CASE WHEN pending = 0 THEN
           reduce(smallest = null, d IN layeredDeps |
             CASE WHEN d[0] = top AND (smallest IS NULL OR d[1] < smallest) THEN d[1] ELSE smallest END)
         END AS via
}
SET mg.ffoWavePending = pending, mg.ffoWaveMin = bound
FOREACH (m IN CASE WHEN pending = 0 THEN members ELSE [] END | SET m.ffoWaveLayer = bound)
FOREACH (_ IN CASE WHEN pending = 0 THEN [1] ELSE [] END | SET mg.ffoWaveLayer = bound)
RETURN count(mg) AS groups,
       [u IN collect(CASE WHEN pending = 0 THEN [elementId(mg), mg.id, bound, via] END) WHERE u IS NOT NULL] AS layered
