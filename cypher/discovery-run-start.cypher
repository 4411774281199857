// Opens (or re-opens, on a retried job) a DiscoveryRun of a configured vCenter or cloud, by name. The VCenter/Cloud
// node may not exist yet; the first successful run creates it once its identity is known.
MERGE (run:DiscoveryRun {id: $runId})
ON CREATE SET run.side = $side, run.startedAt = datetime($startedAt), run.name = $name
SET run.status = $status
RETURN run.id AS runId
