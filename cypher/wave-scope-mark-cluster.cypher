// Marks the live VMs of one cluster with this planning run's id (see wave-scope-mark-estate), walking from the
// cluster to its hosts' VMs rather than testing every VM of the twin.
MATCH (:Cluster {name: $cluster})<-[:MEMBER_OF]-(:Host)<-[:RUNS_ON]-(v:VM)
WITH DISTINCT v
WHERE v.removedAt IS NULL AND coalesce(v.template, false) = false
FOREACH (_ IN CASE WHEN v.ffoWaveRun IS NULL THEN [] ELSE [1] END |
  REMOVE v.ffoWaveUnit, v.ffoWavePending, v.ffoWaveMin, v.ffoWaveLayer, v.ffoWaveVia)
SET v.ffoWaveRun = $run
RETURN count(v) AS vms
