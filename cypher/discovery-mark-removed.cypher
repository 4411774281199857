// Everything of this vCenter that the run did not see is marked removed (kept for audit, never deleted).
MATCH (n:VM|Host|Cluster|Datacenter|Datastore|PortGroup {vcenterId: $vcenterId})
WHERE n.lastSeenRunId <> $runId AND n.removedAt IS NULL
SET n.removedAt = datetime($now)
RETURN sum(CASE WHEN n:VM THEN 1 ELSE 0 END) AS vmsRemoved, count(n) AS objectsRemoved
