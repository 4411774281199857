UNWIND $rows AS row
MERGE (q:Quota {id: row.id})
SET q.service = row.service, q.resource = row.resource, q.limit = row.limit, q.inUse = row.inUse,
    q.reserved = row.reserved, q.cloudId = $cloudId, q.lastSeenRunId = $runId
WITH q, row
MATCH (p:Project {id: row.projectId})
MERGE (p)-[:HAS_QUOTA]->(q)
RETURN count(q) AS written
