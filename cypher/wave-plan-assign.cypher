// Puts VMs into their waves; the edge keeps the Kahn layer and the dependency that set it (the explanation).
UNWIND $rows AS r
MATCH (v:VM {id: r.vmId})
MATCH (w:Wave {id: r.waveId})
CREATE (v)-[:IN_WAVE {planId: $planId, layer: toInteger(r.layer), via: r.via, moveGroup: r.moveGroup}]->(w)
RETURN count(*) AS assigned
