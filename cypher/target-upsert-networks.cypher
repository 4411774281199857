UNWIND $rows AS row
MERGE (n:Network {id: row.id})
SET n += row.props, n.cloudId = $cloudId, n.lastSeenRunId = $runId, n.removedAt = null
WITH n
MATCH (c:Cloud {id: $cloudId})
MERGE (n)-[:IN_CLOUD]->(c)
RETURN count(n) AS written
