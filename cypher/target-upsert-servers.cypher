// Servers of the scoped project, kept current for name-collision checks; vanished ones are deleted (they are
// the cloud's state, not ours to audit).
MATCH (p:Project {id: $projectId})
CALL {
  WITH p
  UNWIND $rows AS row
  MERGE (srv:Server {id: row.id})
  SET srv.cloudId = $cloudId, srv.openstackId = row.openstackId, srv.name = row.name, srv.status = row.status,
      srv.lastSeenRunId = $runId
  MERGE (p)-[:OWNS]->(srv)
}
CALL {
  WITH p
  MATCH (p)-[:OWNS]->(gone:Server)
  WHERE gone.lastSeenRunId <> $runId
  DETACH DELETE gone
}
RETURN p.id AS projectId
