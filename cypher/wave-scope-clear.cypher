// Removes a planning run's working properties (also after a failed run).
CALL {
  MATCH (n:VM) WHERE n.ffoWaveRun = $run RETURN n
  UNION
  MATCH (n:MoveGroup) WHERE n.ffoWaveRun = $run RETURN n
}
REMOVE n.ffoWaveRun, n.ffoWaveUnit, n.ffoWavePending, n.ffoWaveMin, n.ffoWaveLayer, n.ffoWaveVia
RETURN count(n) AS cleared
