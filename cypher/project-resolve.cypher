// The twin project of a cloud by name or OpenStack id; without a ref, the cloud's projects (the caller decides).
MATCH (p:Project {cloudId: $cloudId})
WHERE $ref IS NULL OR p.name = $ref OR p.openstackId = $ref
RETURN p.id AS id, p.openstackId AS openstackId, p.name AS name
