// What Kahn could not layer: VMs on a dependency cycle or downstream of one, and the edges among them.
// Only this residue goes to Tarjan's algorithm to find the cycles (strongly connected components).
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND v.ffoWaveLayer IS NULL
OPTIONAL MATCH (v)-[:DEPENDS_ON]->(x:VM)
WHERE x.ffoWaveRun = $run AND x.ffoWaveLayer IS NULL
RETURN v.id AS vmId, collect(x.id) AS dependsOn
