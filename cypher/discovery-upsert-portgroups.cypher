UNWIND $rows AS row
MERGE (pg:PortGroup {id: row.id})
SET pg += row.props, pg.vcenterId = $vcenterId, pg.lastSeenRunId = $runId, pg.removedAt = null
WITH pg, row
MATCH (dc:Datacenter {id: row.datacenterId})
MERGE (pg)-[:IN_DATACENTER]->(dc)
RETURN count(pg) AS written
