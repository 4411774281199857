// Marks the given VMs (twin ids) with this planning run's working properties (see wave-scope-mark-estate).
UNWIND $vmIds AS vmId
MATCH (v:VM {id: vmId})
SET v.ffoWaveRun = $run, v.ffoWaveUnit = elementId(v), v.ffoWavePending = 0, v.ffoWaveMin = 0,
    v.ffoWaveLayer = null, v.ffoWaveVia = null
RETURN count(v) AS vms
