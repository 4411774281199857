// Appends to a fleet's event log (release, hold, block, wave and fleet transitions).
MATCH (f:Fleet {id: $fleetId})
CREATE (e:FleetEvent {id: $id, fleetId: $fleetId, at: datetime($at), kind: $kind, level: $level, message: $message,
                      vmName: $vmName, wave: $wave, data: $data})
CREATE (f)-[:LOGGED]->(e)
RETURN e.id AS id
