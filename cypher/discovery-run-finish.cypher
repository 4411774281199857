// Closes a DiscoveryRun with its outcome and counts; links it to the VCenter or Cloud when the run got that far.
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
OPTIONAL MATCH (subject:VCenter|Cloud {id: $subjectId})
FOREACH (_ IN CASE WHEN subject IS NULL THEN [] ELSE [1] END |
  MERGE (run)-[:DISCOVERED]->(subject)
  SET subject.lastDiscoveredAt = CASE WHEN $status = 'succeeded' THEN datetime($finishedAt) ELSE subject.lastDiscoveredAt END)
RETURN run.id AS runId
