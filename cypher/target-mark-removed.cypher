// Target objects the run did not see are marked removed; quotas of the scoped project are replaced each run.
CALL {
  MATCH (n:Flavor|Network|Subnet|Port|VolumeType|Image {cloudId: $cloudId})
  WHERE n.lastSeenRunId <> $runId AND n.removedAt IS NULL
  SET n.removedAt = datetime($now)
  RETURN count(n) AS removed
}
CALL {
  MATCH (:Project {id: $projectId})-[:HAS_QUOTA]->(q:Quota)
  WHERE q.lastSeenRunId <> $runId
  DETACH DELETE q
  RETURN count(*) AS quotasDropped
}
RETURN removed, quotasDropped
