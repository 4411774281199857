// Disks and NICs that a re-discovered (changed) VM no longer has are deleted: they are parts of the VM's
// current shape, and the VM's revision records that it changed.
UNWIND $vmIds AS vmId
MATCH (vm:VM {id: vmId})-[:HAS_DISK|HAS_NIC]->(dev)
WHERE dev.lastSeenRunId <> $runId
DETACH DELETE dev
RETURN count(*) AS deleted
