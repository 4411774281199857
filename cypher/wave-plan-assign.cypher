// Puts VMs into one wave (rows: the VM's node, its Kahn layer, the dependency that set it, its move group);
// the edge keeps the layer and `via` (the explanation); its plan is the wave's (w.planId), not repeated on every
// edge. The VM's working properties of the planning run go in the same write (wave-scope-clear catches the rest).
MATCH (w:Wave {id: $waveId})
UNWIND $rows AS r
MATCH (v:VM) WHERE elementId(v) = r.node
CREATE (v)-[:IN_WAVE {layer: toInteger(r.layer), via: r.via, moveGroup: r.moveGroup}]->(w)
REMOVE v.ffoWaveRun, v.ffoWaveUnit, v.ffoWavePending, v.ffoWaveMin, v.ffoWaveLayer
RETURN count(*) AS assigned
