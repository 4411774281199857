// Turns each dependency cycle into a move group of the plan: its members become one Kahn unit that keeps the
// highest layer bound any member has learned so far.
UNWIND $groups AS g
CREATE (mg:MoveGroup {id: g.id, planId: $planId, name: g.name, size: size(g.members), createdAt: datetime()})
SET mg.ffoWaveRun = $run, mg.ffoWavePending = 0
WITH mg, g
UNWIND g.members AS vmId
MATCH (v:VM {id: vmId})
CREATE (v)-[:IN_MOVE_GROUP]->(mg)
SET v.ffoWaveUnit = elementId(mg)
WITH mg, max(coalesce(v.ffoWaveMin, 0)) AS bound
SET mg.ffoWaveMin = bound
RETURN count(mg) AS groups
