// Port groups by id or name (names are not unique across datacenters or vCenters: the caller refuses ambiguity).
MATCH (pg:PortGroup)
WHERE (pg.id = $ref OR pg.name = $ref) AND pg.removedAt IS NULL
RETURN pg.id AS id, pg.name AS name
