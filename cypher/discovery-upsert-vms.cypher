// VMs in one batch. `fingerprint` is a hash of everything discovery knows about the VM (its disks and NICs
// included), so an unchanged VM costs one comparison and keeps its revision; a changed or returning one is
// counted and its revision bumped.
UNWIND $rows AS row
MERGE (vm:VM {id: row.id})
ON CREATE SET vm.firstSeenAt = datetime($now), vm.revision = 0
WITH vm, row,
     vm.fingerprint IS NULL AS isNew,
     vm.fingerprint IS NOT NULL AND (vm.fingerprint <> row.fingerprint OR vm.removedAt IS NOT NULL) AS isChanged
SET vm += row.props,
    vm.vcenterId = $vcenterId,
    vm.fingerprint = row.fingerprint,
    vm.lastSeenAt = datetime($now),
    vm.lastSeenRunId = $runId,
    vm.removedAt = null,
    vm.revision = CASE WHEN isNew OR isChanged THEN vm.revision + 1 ELSE vm.revision END
WITH vm, row, isNew, isChanged
OPTIONAL MATCH (vm)-[old:RUNS_ON]->(h0:Host) WHERE h0.id <> coalesce(row.hostId, '')
DELETE old
WITH DISTINCT vm, row, isNew, isChanged
OPTIONAL MATCH (h:Host {id: row.hostId})
FOREACH (_ IN CASE WHEN h IS NULL THEN [] ELSE [1] END | MERGE (vm)-[:RUNS_ON]->(h))
RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS added,
       sum(CASE WHEN isChanged THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN isNew OR isChanged THEN 0 ELSE 1 END) AS unchanged,
       [id IN collect(CASE WHEN isNew OR isChanged THEN vm.id END) WHERE id IS NOT NULL] AS changedIds
