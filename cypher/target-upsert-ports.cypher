// Existing ports, for MAC clash checks before any port is created.
UNWIND $rows AS row
MERGE (p:Port {id: row.id})
SET p += row.props, p.cloudId = $cloudId, p.lastSeenRunId = $runId, p.removedAt = null
WITH p, row
MATCH (n:Network {id: row.networkId})
MERGE (p)-[:ON_NETWORK]->(n)
RETURN count(p) AS written
