// The cloud, keyed by its configured name, with compute capacity; and the project the credentials are scoped to.
MERGE (c:Cloud {id: $cloudId})
SET c.name = $cloudId, c.authUrl = $authUrl, c.region = $region, c += $capacity
MERGE (p:Project {id: $project.id})
SET p.cloudId = $cloudId, p.openstackId = $project.openstackId, p.name = $project.name,
    p.domainId = $project.domainId, p.lastSeenRunId = $runId
MERGE (p)-[:IN_CLOUD]->(c)
RETURN c.id AS id
