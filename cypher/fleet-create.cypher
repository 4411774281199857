// Starts a fleet on a draft plan: the plan becomes `started` (a plan runs once; plan again for a new version) and
// every VM of every wave becomes a pending FleetItem, keeping what the release limits weigh (host, datastores).
// A VM with a completed migration is carried as completed (it is never migrated twice).
MATCH (p:WavePlan {id: $planId})
WHERE p.status = 'draft'
CREATE (f:Fleet {id: $fleetId, planId: p.id, name: p.name + ' v' + toString(p.version), status: 'running',
                 options: $options, createdAt: datetime(), startedAt: datetime(), waveCount: p.waveCount})
CREATE (f)-[:RUNS_PLAN]->(p)
SET p.status = 'started'
WITH f, p
MATCH (w:Wave)-[:IN_PLAN]->(p)
MATCH (v:VM)-[r:IN_WAVE]->(w)
OPTIONAL MATCH (v)-[:RUNS_ON]->(h:Host)
OPTIONAL MATCH (v)<-[:MIGRATES]-(done:Migration {status: 'completed'})
WITH f, v, w, r, h, head(collect(done.id)) AS migratedBy
CREATE (i:FleetItem {id: f.id + '/' + v.id, fleetId: f.id, vmId: v.id, vmName: v.name, wave: w.index,
                     moveGroup: r.moveGroup, host: h.name, attempts: 0, bytesTotal: coalesce(v.provisionedBytes, 0),
                     datastores: COLLECT { MATCH (v)-[:HAS_DISK]->(:Disk)-[:STORED_ON]->(ds:Datastore) RETURN DISTINCT ds.name },
                     state: CASE WHEN migratedBy IS NULL THEN 'pending' ELSE 'completed' END,
                     migrationId: migratedBy,
                     reason: CASE WHEN migratedBy IS NULL THEN null ELSE 'already migrated' END})
CREATE (f)-[:HAS_ITEM]->(i)
CREATE (i)-[:FOR_VM]->(v)
RETURN count(i) AS items
