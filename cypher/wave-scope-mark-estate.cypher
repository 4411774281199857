// Marks every live VM (of one cluster when $cluster is given) with this planning run's working properties.
// The planner's working state lives on the nodes so every later step is an index-free local update;
// wave-scope-clear removes it again.
MATCH (v:VM)
WHERE v.removedAt IS NULL AND coalesce(v.template, false) = false
  AND ($cluster IS NULL OR EXISTS { (v)-[:RUNS_ON]->(:Host)-[:MEMBER_OF]->(:Cluster {name: $cluster}) })
// (Counters and bounds start absent = 0; layer and via are cleared in case an earlier run was interrupted.)
SET v.ffoWaveRun = $run, v.ffoWaveUnit = elementId(v), v.ffoWaveLayer = null, v.ffoWaveVia = null,
    v.ffoWaveMin = null
RETURN count(v) AS vms
