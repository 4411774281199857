// Changes one item (state, reason, attempts, migration id, times).
MATCH (i:FleetItem {id: $itemId})
SET i += $changes
RETURN i.id AS id
