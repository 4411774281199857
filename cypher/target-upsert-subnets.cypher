UNWIND $rows AS row
MERGE (s:Subnet {id: row.id})
SET s += row.props, s.cloudId = $cloudId, s.lastSeenRunId = $runId, s.removedAt = null
WITH s, row
MATCH (n:Network {id: row.networkId})
MERGE (n)-[:HAS_SUBNET]->(s)
RETURN count(s) AS written
