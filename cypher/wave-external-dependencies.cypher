// Dependencies that leave the scope (the dependency is not part of this plan): reported, never planned.
MATCH (v:VM)-[:DEPENDS_ON]->(x:VM)
WHERE v.ffoWaveRun = $run AND (x.ffoWaveRun IS NULL OR x.ffoWaveRun <> $run) AND x.removedAt IS NULL
RETURN v.name AS vm, x.name AS dependsOn, EXISTS { (x)<-[:MIGRATES]-(:Migration {status: 'completed'}) } AS migrated
LIMIT 1000
