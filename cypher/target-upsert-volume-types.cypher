UNWIND $rows AS row
MERGE (t:VolumeType {id: row.id})
SET t += row.props, t.cloudId = $cloudId, t.lastSeenRunId = $runId, t.removedAt = null
WITH t
MATCH (c:Cloud {id: $cloudId})
MERGE (t)-[:IN_CLOUD]->(c)
RETURN count(t) AS written
