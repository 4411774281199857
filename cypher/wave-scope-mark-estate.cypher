// Marks every live VM (of one cluster when $cluster is given) with this planning run's working properties.
// The planner's working state lives on the nodes so every later step is an index-free local update;
// wave-scope-clear removes it again.
MATCH (v:VM)
WHERE v.removedAt IS NULL AND coalesce(v.template, false) = false
  AND ($cluster IS NULL OR EXISTS { (v)-[:RUNS_ON]->(:Host)-[:MEMBER_OF]->(:Cluster {name: $cluster}) })
SET v.ffoWaveRun = $run, v.ffoWaveUnit = elementId(v), v.ffoWavePending = 0, v.ffoWaveMin = 0,
    v.ffoWaveLayer = null, v.ffoWaveVia = null
RETURN count(v) AS vms
