// Kahn's start, as in the textbook: every VM of the scope gets its pending-dependency counter (its DEPENDS_ON
// edges to other VMs of the scope; self-loops do not count) in one statement, and those at 0 take layer 0 and are
// the first frontier. Only scope VMs carry this run's id, so the run check also tells a VM. With the counters set
// here, a Kahn round only counts down: it never looks at a dependent's own edges. `layered` rows are
// [node, VM id, layer, via]: the planner keeps each round's answer, so the layering is never read back.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run
WITH v, COUNT { (v)-[:DEPENDS_ON]->(x) WHERE x.ffoWaveRun = $run AND x <> v } AS pending
SET v.ffoWavePending = pending
WITH v
WHERE pending = 0
SET v.ffoWaveLayer = 0
RETURN collect([elementId(v), v.id, 0, null]) AS layered
