// Marks the given VMs (twin ids) with this planning run's working properties (see wave-scope-mark-estate).
UNWIND $vmIds AS vmId
MATCH (v:VM {id: vmId})
// (Counters and bounds start absent = 0; layer and via are cleared in case an earlier run was interrupted.)
SET v.ffoWaveRun = $run, v.ffoWaveUnit = elementId(v), v.ffoWaveLayer = null, v.ffoWaveVia = null,
    v.ffoWaveMin = null
RETURN count(v) AS vms
