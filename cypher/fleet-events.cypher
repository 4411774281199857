// A fleet's event log in order.
MATCH (e:FleetEvent {fleetId: $fleetId})
RETURN e {.*, at: toString(e.at)} AS event
ORDER BY e.at, e.id
