// The plan's waves (in order) with what packing put into them.
MATCH (p:WavePlan {id: $planId})
UNWIND $waves AS w
CREATE (x:Wave {id: w.id, planId: $planId, index: toInteger(w.index), vmCount: toInteger(w.vmCount),
                diskGb: toFloat(w.diskGb), layers: [l IN w.layers | toInteger(l)], moveGroups: w.moveGroups,
                perHostMax: toInteger(w.perHostMax), perDatastoreMax: toInteger(w.perDatastoreMax),
                warnings: w.warnings})
CREATE (x)-[:IN_PLAN]->(p)
RETURN count(x) AS waves
