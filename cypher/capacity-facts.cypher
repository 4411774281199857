// Quotas (limit, in use) of a project and the cloud's compute capacity, for capacity planning.
MATCH (c:Cloud {id: $cloudId})
OPTIONAL MATCH (:Project {id: $projectId})-[:HAS_QUOTA]->(q:Quota)
RETURN c.vcpus AS vcpus, c.vcpusUsed AS vcpusUsed, c.memoryMB AS memoryMB, c.memoryMBUsed AS memoryMBUsed,
       coalesce(c.cpuAllocationRatio, 1.0) AS cpuAllocationRatio, coalesce(c.ramAllocationRatio, 1.0) AS ramAllocationRatio,
       [x IN collect({service: q.service, resource: q.resource, limit: q.limit, inUse: q.inUse, reserved: coalesce(q.reserved, 0)})
        WHERE x.resource IS NOT NULL] AS quotas
