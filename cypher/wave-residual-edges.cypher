// What Kahn's first pass could not layer: VMs on a dependency cycle or downstream of one, and the edges among
// them. Only this residue goes to Tarjan's algorithm to find the cycles (strongly connected components). The same
// look at each residue VM's edges gives it its bound for the second pass (ffoWaveMin: 1 + the highest layer among
// its dependencies the first pass layered); its counter already holds the edges to unlayered dependencies, since
// the first pass counted the layered ones off it. So wave-group-release never reads a dependent's own edges.
MATCH (v:VM)
WHERE v.ffoWaveRun = $run AND v.ffoWaveLayer IS NULL
CALL {
  WITH v
  OPTIONAL MATCH (v)-[:DEPENDS_ON]->(x)
  WHERE x.ffoWaveRun = $run
  RETURN collect(CASE WHEN x.ffoWaveLayer IS NULL THEN x.id END) AS dependsOn, max(x.ffoWaveLayer) AS below
}
SET v.ffoWaveMin = coalesce(below + 1, 0)
RETURN v.id AS vmId, dependsOn
