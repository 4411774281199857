UNWIND $rows AS row
MERGE (dc:Datacenter {id: row.id})
SET dc.vcenterId = $vcenterId, dc.moid = row.moid, dc.name = row.name, dc.lastSeenRunId = $runId, dc.removedAt = null
WITH dc
MATCH (vc:VCenter {id: $vcenterId})
MERGE (dc)-[:IN_VCENTER]->(vc)
RETURN count(dc) AS written
