// Synthetic VMs on their host, each with one disk on a datastore (rows: id, name, host, datastore, bytes).
UNWIND $rows AS row
MATCH (h:Host {id: $prefix + '/host-' + toString(toInteger(row.host))})
MATCH (ds:Datastore {id: $prefix + '/ds-' + toString(toInteger(row.datastore))})
CREATE (v:VM {id: row.id, name: row.name, moid: row.id, vcenterId: $prefix, numCpu: 1, memoryMB: 512,
              powerState: 'poweredOn', template: false, changeTrackingEnabled: false,
              provisionedBytes: row.bytes, revision: 1})
CREATE (v)-[:RUNS_ON]->(h)
CREATE (d:Disk {id: row.id + '/disk/2000', vcenterId: $prefix, key: 2000, capacityBytes: row.bytes})
CREATE (v)-[:HAS_DISK]->(d)
CREATE (d)-[:STORED_ON]->(ds)
RETURN count(v) AS vms
