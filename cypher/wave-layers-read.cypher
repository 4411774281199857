// The layered scope, with what wave packing weighs: ESXi host, datastores and provisioned size.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run
OPTIONAL MATCH (v)-[:IN_MOVE_GROUP]->(mg:MoveGroup {planId: $planId})
OPTIONAL MATCH (v)-[:RUNS_ON]->(h:Host)
RETURN v.id AS vmId, v.name AS name, v.ffoWaveLayer AS layer, coalesce(mg.ffoWaveVia, v.ffoWaveVia) AS via,
       mg.id AS moveGroup,
       h.name AS host, coalesce(v.provisionedBytes, 0) AS provisionedBytes,
       COLLECT { MATCH (v)-[:HAS_DISK]->(:Disk)-[:STORED_ON]->(ds:Datastore) RETURN DISTINCT ds.name } AS datastores
