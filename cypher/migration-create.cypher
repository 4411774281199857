// A new migration of one VM, refused (no row) while the VM has one that is not finished. Writing the VM first
// takes its lock, so two concurrent starts are serialised and only one of them sees no active migration.
MATCH (vm:VM {id: $vmId})
SET vm.migrationLockAt = datetime()
WITH vm
OPTIONAL MATCH (vm)<-[:MIGRATES]-(active:Migration)
WHERE active.status IN ['queued', 'running', 'rolling_back']
WITH vm, collect(active.id) AS activeIds
WHERE size(activeIds) = 0
CREATE (m:Migration {id: $id, mode: $mode, phase: 'queued', status: 'queued', createdAt: datetime(),
                     cloud: $cloud, project: $project, pipeline: $pipeline, pipelineReason: $pipelineReason,
                     cutoverMode: $cutoverMode, cutoverAt: CASE WHEN $cutoverAt IS NULL THEN null ELSE datetime($cutoverAt) END,
                     deltaIntervalSeconds: $deltaIntervalSeconds, flavorId: $flavorId, flavorName: $flavorName,
                     plan: $plan, checkpoints: '{}', bytesTotal: $bytesTotal, bytesTransferred: 0.0,
                     deltaRounds: 0, attempts: 0, vmName: vm.name})
CREATE (m)-[:MIGRATES]->(vm)
RETURN m.id AS id
