// Turns each dependency cycle into a move group of the plan: its members become one Kahn unit that keeps the
// highest layer bound (and its cause) any member has learned so far.
UNWIND $groups AS g
CREATE (mg:MoveGroup {id: g.id, planId: $planId, name: g.name, size: size(g.members), createdAt: datetime()})
SET mg.ffoWaveRun = $run, mg.ffoWavePending = 0, mg.ffoWaveMin = 0, mg.ffoWaveLayer = null, mg.ffoWaveVia = null
WITH mg, g
UNWIND g.members AS vmId
MATCH (v:VM {id: vmId})
CREATE (v)-[:IN_MOVE_GROUP]->(mg)
SET v.ffoWaveUnit = elementId(mg)
WITH mg, collect(v) AS members
WITH mg, reduce(best = head(members), m IN members |
       CASE WHEN m.ffoWaveMin > best.ffoWaveMin
              OR (m.ffoWaveMin = best.ffoWaveMin AND m.ffoWaveVia IS NOT NULL
                  AND (best.ffoWaveVia IS NULL OR m.ffoWaveVia < best.ffoWaveVia))
            THEN m ELSE best END) AS best
SET mg.ffoWaveMin = best.ffoWaveMin, mg.ffoWaveVia = best.ffoWaveVia
RETURN count(mg) AS groups
