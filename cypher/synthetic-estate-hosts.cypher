// A synthetic estate (tests, bench/waves): one cluster of $hosts ESXi hosts, all ids prefixed with $prefix.
// Its VMs carry vcenterId = $prefix so synthetic-estate-delete removes exactly them.
MERGE (c:Cluster {id: $prefix + '/cluster'})
SET c.name = $prefix + '-cluster', c.vcenterId = $prefix
WITH c
UNWIND range(0, toInteger($hosts) - 1) AS i
MERGE (h:Host {id: $prefix + '/host-' + i})
SET h.name = $prefix + '-esx-' + i, h.vcenterId = $prefix
MERGE (h)-[:MEMBER_OF]->(c)
WITH DISTINCT c
UNWIND range(0, toInteger($datastores) - 1) AS i
MERGE (ds:Datastore {id: $prefix + '/ds-' + i})
SET ds.name = $prefix + '-ds-' + i, ds.vcenterId = $prefix
RETURN count(ds) AS datastores
