UNWIND $rows AS row
MERGE (i:Image {id: row.id})
SET i += row.props, i.cloudId = $cloudId, i.lastSeenRunId = $runId, i.removedAt = null
WITH i
MATCH (c:Cloud {id: $cloudId})
MERGE (i)-[:IN_CLOUD]->(c)
RETURN count(i) AS written
