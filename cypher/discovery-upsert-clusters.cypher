UNWIND $rows AS row
MERGE (c:Cluster {id: row.id})
SET c.vcenterId = $vcenterId, c.moid = row.moid, c.name = row.name, c.lastSeenRunId = $runId, c.removedAt = null
WITH c, row
MATCH (dc:Datacenter {id: row.datacenterId})
MERGE (c)-[:IN_DATACENTER]->(dc)
RETURN count(c) AS written
