MATCH (vt:VolumeType {cloudId: $cloudId})
WHERE (vt.id = $ref OR vt.openstackId = $ref OR vt.name = $ref) AND vt.removedAt IS NULL
RETURN vt.id AS id, vt.name AS name
