MATCH (vc:VCenter {name: $name})
RETURN vc.id AS id, vc.name AS name, vc.url AS url
