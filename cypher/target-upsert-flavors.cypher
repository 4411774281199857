UNWIND $rows AS row
MERGE (f:Flavor {id: row.id})
SET f += row.props, f.cloudId = $cloudId, f.lastSeenRunId = $runId, f.removedAt = null
WITH f
MATCH (c:Cloud {id: $cloudId})
MERGE (f)-[:IN_CLOUD]->(c)
RETURN count(f) AS written
