// Marks the given VMs (twin ids) with this planning run's id (see wave-scope-mark-estate).
UNWIND $vmIds AS vmId
MATCH (v:VM {id: vmId})
FOREACH (_ IN CASE WHEN v.ffoWaveRun IS NULL THEN [] ELSE [1] END |
  REMOVE v.ffoWaveUnit, v.ffoWavePending, v.ffoWaveMin, v.ffoWaveLayer, v.ffoWaveVia)
SET v.ffoWaveRun = $run
RETURN count(v) AS vms
