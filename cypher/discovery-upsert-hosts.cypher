// Hosts move between clusters; the old MEMBER_OF edge is replaced, never accumulated.
UNWIND $rows AS row
MERGE (h:Host {id: row.id})
SET h += row.props, h.vcenterId = $vcenterId, h.lastSeenRunId = $runId, h.removedAt = null
WITH h, row
OPTIONAL MATCH (h)-[old:MEMBER_OF]->(c0:Cluster) WHERE c0.id <> coalesce(row.clusterId, '')
DELETE old
WITH DISTINCT h, row
OPTIONAL MATCH (c:Cluster {id: row.clusterId})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (h)-[:MEMBER_OF]->(c))
WITH h, row
MATCH (dc:Datacenter {id: row.datacenterId})
MERGE (h)-[:IN_DATACENTER]->(dc)
RETURN count(h) AS written
