// NICs of changed or new VMs only (the caller filters): upsert, re-point to the current port group.
UNWIND $rows AS row
MATCH (vm:VM {id: row.vmId})
MERGE (n:Nic {id: row.id})
SET n += row.props, n.vcenterId = $vcenterId, n.lastSeenRunId = $runId
MERGE (vm)-[:HAS_NIC]->(n)
WITH n, row
OPTIONAL MATCH (n)-[old:CONNECTED_TO]->(pg0:PortGroup) WHERE pg0.id <> coalesce(row.portGroupId, '')
DELETE old
WITH DISTINCT n, row
OPTIONAL MATCH (pg:PortGroup {id: row.portGroupId})
FOREACH (_ IN CASE WHEN pg IS NULL THEN [] ELSE [1] END | MERGE (n)-[:CONNECTED_TO]->(pg))
RETURN count(n) AS written
