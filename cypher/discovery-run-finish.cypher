// Closes a DiscoveryRun with its outcome and counts; links it to the VCenter when the run got that far.
MATCH (run:DiscoveryRun {id: $runId})
SET run.status = $status,
    run.finishedAt = datetime($finishedAt),
    run.durationMs = $durationMs,
    run.vmsTotal = $vmsTotal,
    run.vmsAdded = $vmsAdded,
    run.vmsUpdated = $vmsUpdated,
    run.vmsUnchanged = $vmsUnchanged,
    run.vmsRemoved = $vmsRemoved,
    run.objectsTotal = $objectsTotal,
    run.errorCode = $errorCode,
    run.errorMessage = $errorMessage
WITH run
OPTIONAL MATCH (vc:VCenter {id: $vcenterId})
FOREACH (_ IN CASE WHEN vc IS NULL THEN [] ELSE [1] END |
  MERGE (run)-[:DISCOVERED]->(vc)
  SET vc.lastDiscoveredAt = CASE WHEN $status = 'succeeded' THEN datetime($finishedAt) ELSE vc.lastDiscoveredAt END)
RETURN run.id AS runId
