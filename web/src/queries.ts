/** Every GraphQL document the page sends, in one place so the contract with schema.graphql is easy to review. */

export const CLOUDS = /* GraphQL */ `
  query MonitorClouds {
    clouds(sort: [{ name: ASC }]) {
      id
      name
      hypervisors
      vcpus
      vcpusUsed
      memoryMB
      memoryMBUsed
    }
  }
`;

export const ESTATE = /* GraphQL */ `
  query MonitorEstate {
    estateSummary {
      vcenters
      vms
      hosts
      clusters
      datastores
      portGroups
      disks
      nics
      totalVcpu
      totalMemoryMB
      provisionedBytes
      usedBytes
      dependencies
      byPowerState {
        key
        count
      }
      byCluster {
        key
        count
      }
    }
  }
`;

export const READINESS = /* GraphQL */ `
  query MonitorReadiness($cloud: String!) {
    migrationReadinessSummary(cloud: $cloud) {
      vms
      ready
      blocked
      byConcern {
        key
        count
      }
    }
  }
`;

export const CAPACITY = /* GraphQL */ `
  query MonitorCapacity($cloud: String!) {
    capacityReport(cloud: $cloud) {
      project
      fits
      lines {
        service
        resource
        planned
        limit
        inUse
        available
        shortfall
      }
      vmsNotFitting
    }
  }
`;

export const NETWORKS = /* GraphQL */ `
  query MonitorNetworks($cloud: String!, $cloudId: ID!) {
    networkMappingGaps(cloud: $cloud) {
      portGroupId
      portGroupName
      vlanId
      strandedVms
      proposals {
        portGroupId
        networkId
        networkName
        subnetId
        score
        reason
      }
    }
    portGroups(where: { mappedTo: { some: { cloudId: { eq: $cloudId } } } }, sort: [{ name: ASC }]) {
      id
      name
      vlanId
      removedAt
      datacenter {
        name
        vcenter {
          name
        }
      }
      mappedTo(where: { cloudId: { eq: $cloudId } }) {
        id
        name
        segmentationId
      }
    }
    networks(where: { cloudId: { eq: $cloudId } }, sort: [{ name: ASC }]) {
      id
      name
      segmentationId
      removedAt
      subnets {
        id
        cidr
      }
    }
  }
`;

export const MAP_PORT_GROUP = /* GraphQL */ `
  mutation MonitorMapPortGroup($portGroup: ID!, $network: ID!, $subnet: ID, $cloud: String) {
    mapPortGroup(portGroup: $portGroup, network: $network, subnet: $subnet, cloud: $cloud) {
      portGroupName
      networkName
    }
  }
`;

export const CONFIRM_PROPOSALS = /* GraphQL */ `
  mutation MonitorConfirmProposals($cloud: String!) {
    confirmNetworkMappingProposals(cloud: $cloud) {
      portGroupName
      networkName
    }
  }
`;

export const MIGRATION_FIELDS = /* GraphQL */ `
  fragment MonitorMigration on Migration {
    id
    mode
    phase
    status
    createdAt
    startedAt
    finishedAt
    vmName
    cloud
    pipeline
    cutoverMode
    cutoverRequestedAt
    flavorName
    serverId
    fixedIps
    downtimeSeconds
    bytesTotal
    bytesTransferred
    errorCode
    errorMessage
    errorPhase
    vm {
      id
    }
  }
`;

export const RECENT_MIGRATIONS = /* GraphQL */ `
  ${MIGRATION_FIELDS}
  query MonitorMigrations($limit: Int!) {
    migrations(sort: [{ createdAt: DESC }], limit: $limit) {
      ...MonitorMigration
    }
  }
`;

export const MIGRATION = /* GraphQL */ `
  ${MIGRATION_FIELDS}
  query MonitorMigrationById($id: ID!) {
    migrations(where: { id: { eq: $id } }) {
      ...MonitorMigration
    }
  }
`;

export const MIGRATION_PROGRESS = /* GraphQL */ `
  subscription MonitorMigrationProgress($migration: ID!) {
    migrationProgress(migration: $migration) {
      migrationId
      status
      phase
      round
      disks {
        key
        bytesDone
        bytesTotal
      }
      bytesDone
      bytesTotal
      rateBytesPerSecond
      etaSeconds
      done
    }
  }
`;

export const MIGRATION_EVENTS = /* GraphQL */ `
  subscription MonitorMigrationEvents {
    migrationEvents {
      id
      migrationId
      vmId
      vmName
      at
      phase
      level
      kind
      message
    }
  }
`;

export const START_MIGRATION = /* GraphQL */ `
  mutation MonitorStartMigration($vm: ID!, $cloud: String, $options: MigrationOptionsInput) {
    startMigration(vm: $vm, cloud: $cloud, options: $options) {
      id
      vmName
      mode
      status
      phase
      pipeline
    }
  }
`;

const migrationAction = (field: string): string => `
  mutation Monitor_${field}($migration: ID!) {
    ${field}(migration: $migration) { id status phase }
  }
`;
export const CUTOVER = migrationAction('cutover');
export const SYNC = migrationAction('syncMigration');
export const CANCEL = migrationAction('cancelMigration');
export const RETRY = migrationAction('retryMigration');
export const ROLLBACK = migrationAction('rollbackMigration');

export const GRAPH_OPTIONS = /* GraphQL */ `
  query MonitorGraphOptions {
    wavePlans(sort: [{ createdAt: DESC }], limit: 20) {
      id
      name
      version
      status
    }
    clusters(sort: [{ name: ASC }]) {
      name
      removedAt
    }
  }
`;

/** The graph's VMs, filtered on the server; wave and move group come from one plan when one is chosen. */
export function graphVmsQuery(withPlan: boolean): string {
  const planFields = withPlan
    ? `waves(where: { planId: { eq: $plan } }) { index }
        moveGroups(where: { planId: { eq: $plan } }) { id name }`
    : '';
  return /* GraphQL */ `
    query MonitorGraph($where: VMWhere, $limit: Int!${withPlan ? ', $plan: ID!' : ''}) {
      vms(where: $where, limit: $limit, sort: [{ name: ASC }]) {
        id
        name
        powerState
        removedAt
        host { name cluster { name } }
        dependsOn { id }
        ${planFields}
      }
    }
  `;
}

export const VM_DETAILS = /* GraphQL */ `
  query MonitorVm($id: ID!, $cloud: String!) {
    vms(where: { id: { eq: $id } }) {
      id
      name
      guestFullName
      numCpu
      memoryMB
      powerState
      firmware
      provisionedBytes
      changeTrackingEnabled
      host {
        name
        cluster {
          name
        }
      }
      disks {
        key
        label
        capacityBytes
        controllerType
      }
      nics {
        macAddress
        networkName
      }
      dependsOn {
        id
        name
      }
      dependedOnBy {
        id
        name
      }
      flavorMatch(cloud: $cloud) {
        reason
        overridden
        flavor {
          name
          vcpus
          ramMB
          diskGB
          bootFromVolume
        }
      }
      migrations(sort: [{ createdAt: DESC }], limit: 10) {
        id
        mode
        status
        phase
        createdAt
        finishedAt
        serverId
        errorMessage
      }
    }
    migrationReadiness(cloud: $cloud, vms: [$id]) {
      ready
      concerns {
        code
        severity
        message
      }
    }
  }
`;

export const FLEETS = /* GraphQL */ `
  query MonitorFleets {
    fleets(sort: [{ createdAt: DESC }], limit: 5) {
      id
      name
      status
    }
  }
`;

const FLEET_PROGRESS_FIELDS = `
  fleetId
  name
  status
  statusReason
  currentWave
  waveCount
  vms
  byState { key count }
  bytesDone
  bytesTotal
  rateBytesPerSecond
  etaSeconds
  waves { index vms byState { key count } bytesDone bytesTotal rateBytesPerSecond etaSeconds }
  held { vm reason }
  blocked { vm reason }
  done
`;

export const FLEET_PROGRESS_QUERY = /* GraphQL */ `
  query MonitorFleetProgress($fleet: ID!) { fleetProgress(fleet: $fleet) { ${FLEET_PROGRESS_FIELDS} } }
`;

/** Every fleet's events: a fleet started after the page loaded announces itself here. */
export const FLEET_EVENTS_SUBSCRIPTION = /* GraphQL */ `
  subscription MonitorFleetEvents {
    fleetEvents {
      fleetId
      kind
    }
  }
`;

export const FLEET_PROGRESS_SUBSCRIPTION = /* GraphQL */ `
  subscription MonitorFleetProgressLive($fleet: ID!) { fleetProgress(fleet: $fleet) { ${FLEET_PROGRESS_FIELDS} } }
`;
