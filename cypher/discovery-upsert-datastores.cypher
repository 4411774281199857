UNWIND $rows AS row
MERGE (ds:Datastore {id: row.id})
SET ds += row.props, ds.vcenterId = $vcenterId, ds.lastSeenRunId = $runId, ds.removedAt = null
WITH ds, row
MATCH (dc:Datacenter {id: row.datacenterId})
MERGE (ds)-[:IN_DATACENTER]->(dc)
RETURN count(ds) AS written
