// The vCenter itself, keyed by its instanceUuid. The configured name is a label for credentials lookup only.
MERGE (vc:VCenter {id: $vcenterId})
SET vc.name = $name, vc.url = $url, vc.fullName = $fullName, vc.apiVersion = $apiVersion, vc.apiType = $apiType
RETURN vc.id AS id
