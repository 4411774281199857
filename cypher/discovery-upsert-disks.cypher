// Disks of changed or new VMs only (the caller filters): upsert, re-point to the current datastore.
UNWIND $rows AS row
MATCH (vm:VM {id: row.vmId})
MERGE (d:Disk {id: row.id})
SET d += row.props, d.vcenterId = $vcenterId, d.lastSeenRunId = $runId
MERGE (vm)-[:HAS_DISK]->(d)
WITH d, row
OPTIONAL MATCH (d)-[old:STORED_ON]->(ds0:Datastore) WHERE ds0.id <> coalesce(row.datastoreId, '')
DELETE old
WITH DISTINCT d, row
OPTIONAL MATCH (ds:Datastore {id: row.datastoreId})
FOREACH (_ IN CASE WHEN ds IS NULL THEN [] ELSE [1] END | MERGE (d)-[:STORED_ON]->(ds))
RETURN count(d) AS written
