// A fleet's items in release order, each with the state of its current migration.
MATCH (i:FleetItem {fleetId: $fleetId})
OPTIONAL MATCH (m:Migration {id: i.migrationId})
RETURN i {.*} AS item, m.status AS migrationStatus, m.phase AS migrationPhase, m.errorCode AS errorCode,
       m.errorMessage AS errorMessage
ORDER BY i.wave, i.vmName
