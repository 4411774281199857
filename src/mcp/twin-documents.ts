// GraphQL documents the MCP tools run in-process against the generated twin API (validated against the schema
// by a unit test, so a schema change that breaks one fails there).

export const VCENTER_BY_NAME = `query($name: String!) { vCenters(where: { name: { eq: $name } }) { id name } }`;

export const VCENTER_BY_ID = `query($id: ID!) { vCenters(where: { id: { eq: $id } }) { name } }`;

export const VM_SOURCE = `query($id: ID!) { vms(where: { id: { eq: $id } }) { id name moid vcenterId } }`;

export const VM_LIST = `query($where: VMWhere, $limit: Int, $offset: Int) {
  vms(where: $where, limit: $limit, offset: $offset, sort: [{ name: ASC }]) {
    id name moid vcenterId powerState numCpu memoryMB guestId guestFullName firmware provisionedBytes template
    changeTrackingEnabled
    host { name cluster { name } }
  }
}`;

export const VM_DETAILS = `query($id: ID!) {
  vms(where: { id: { eq: $id } }) {
    id name moid vcenterId instanceUuid biosUuid guestId guestFullName numCpu memoryMB powerState firmware
    hardwareVersion changeTrackingEnabled changeTrackingSupported template annotation provisionedBytes usedBytes
    revision lastChangedAt removedAt
    host { id name cluster { name } }
    disks(sort: [{ key: ASC }]) {
      key label fileName capacityBytes thinProvisioned controllerType diskMode rdm sharing changeId
      datastore { id name mappedTo { name } }
    }
    nics(sort: [{ key: ASC }]) {
      id key label macAddress adapterType networkName connected plannedFixedIp
      portGroup { id name kind vlanId mappedTo { id name } }
    }
    dependsOn { id name }
    dependedOnBy { id name }
    migrations(sort: [{ createdAt: DESC }], limit: 5) { id mode status phase createdAt finishedAt }
  }
}`;

export const HOST_LIST = `query($where: HostWhere) {
  hosts(where: $where, sort: [{ name: ASC }]) {
    id name moid vcenterId cpuCores memoryBytes connectionState powerState cluster { name }
  }
}`;

export const DATASTORE_LIST = `query($where: DatastoreWhere) {
  datastores(where: $where, sort: [{ name: ASC }]) {
    id name moid vcenterId type capacityBytes freeSpaceBytes mappedTo { id name }
  }
}`;

export const PORT_GROUP_LIST = `query($where: PortGroupWhere) {
  portGroups(where: $where, sort: [{ name: ASC }]) {
    id name moid vcenterId kind vlanId switchName mappedTo { id name }
  }
}`;

/** Every document, for the schema validation test. */
export const TWIN_DOCUMENTS: Record<string, string> = {
  VCENTER_BY_NAME,
  VCENTER_BY_ID,
  VM_SOURCE,
  VM_LIST,
  VM_DETAILS,
  HOST_LIST,
  DATASTORE_LIST,
  PORT_GROUP_LIST,
};
