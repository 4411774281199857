MATCH (f:Flavor)
WHERE f.cloudId = $cloudId AND (f.id = $ref OR f.openstackId = $ref OR f.name = $ref) AND f.removedAt IS NULL
RETURN f.id AS id, f.name AS name, f.vcpus AS vcpus, f.ramMB AS ramMB, f.diskGB AS diskGB, f.isPublic AS isPublic,
       coalesce(f.accessProjectIds, []) AS accessProjectIds, f.requiresGpu AS requiresGpu
