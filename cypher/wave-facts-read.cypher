// What wave packing weighs per VM of the scope: ESXi host, datastores and provisioned size. Independent of the
// layering, so the planner reads it while Kahn runs.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run
OPTIONAL MATCH (v)-[:RUNS_ON]->(h:Host)
RETURN v.id AS vmId, elementId(v) AS node, v.name AS name, h.name AS host,
       coalesce(v.provisionedBytes, 0) AS provisionedBytes,
       COLLECT { MATCH (v)-[:HAS_DISK]->(:Disk)-[:STORED_ON]->(ds:Datastore) RETURN DISTINCT ds.name } AS datastores
