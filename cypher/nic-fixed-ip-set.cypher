// The address a NIC should keep in the target (guest-reported IPs are not always available from vCenter).
MATCH (n:Nic {id: $nicId})
SET n.plannedFixedIp = $fixedIp
RETURN n.id AS nicId, n.macAddress AS macAddress, n.plannedFixedIp AS fixedIp
