// The units whose every in-scope dependency is layered: the first frontier of a Kahn pass.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND v.ffoWaveLayer IS NULL
WITH DISTINCT v.ffoWaveUnit AS unit
MATCH (u) WHERE elementId(u) = unit AND coalesce(u.ffoWavePending, 0) = 0
RETURN collect(unit) AS units
