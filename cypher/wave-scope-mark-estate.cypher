// Marks every live VM with this planning run's id (wave-scope-mark-cluster does one cluster). The planner's
// working state lives on the nodes so every later step is an index-free local update; only the run id is
// written here (counters, bounds and layers are written where Kahn needs them), and wave-plan-assign /
// wave-scope-clear remove it all again. State left by an interrupted run is dropped first.
MATCH (v:VM)
WHERE v.removedAt IS NULL AND coalesce(v.template, false) = false
FOREACH (_ IN CASE WHEN v.ffoWaveRun IS NULL THEN [] ELSE [1] END |
  REMOVE v.ffoWaveUnit, v.ffoWavePending, v.ffoWaveMin, v.ffoWaveLayer, v.ffoWaveVia)
SET v.ffoWaveRun = $run
RETURN count(v) AS vms
