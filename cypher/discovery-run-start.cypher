// Opens (or re-opens, on a retried job) a DiscoveryRun for a configured vCenter name. The VCenter node may not
// exist yet; the first successful run creates it (discovery-upsert-vcenter) once its instanceUuid is known.
MERGE (run:DiscoveryRun {id: $runId})
ON CREATE SET run.side = 'source', run.startedAt = datetime($startedAt), run.vcenterName = $vcenterName
SET run.status = $status
RETURN run.id AS runId
