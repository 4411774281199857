// The plan is complete: a what-if draft until a fleet starts it. Its move groups belong to it.
MATCH (p:WavePlan {id: $planId})
SET p.vmCount = toInteger($stats.vmCount), p.layerCount = toInteger($stats.layerCount),
    p.waveCount = toInteger($stats.waveCount), p.moveGroupCount = toInteger($stats.moveGroupCount),
    p.kahnRounds = toInteger($stats.kahnRounds), p.warnings = $stats.warnings, p.status = 'draft', p.plannedAt = datetime()
WITH p
OPTIONAL MATCH (mg:MoveGroup {planId: $planId})
FOREACH (_ IN CASE WHEN mg IS NULL THEN [] ELSE [1] END | MERGE (mg)-[:IN_PLAN]->(p))
RETURN p.id AS id, toString(p.createdAt) AS createdAt
