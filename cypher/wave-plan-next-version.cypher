// Plans are versioned per name: each planWaves run of the same name is the next version.
OPTIONAL MATCH (p:WavePlan {name: $name})
RETURN coalesce(max(p.version), 0) + 1 AS version
