// The OpenStack side as our code sees it, independent of API wire shapes. Identity is the OpenStack UUID
// (flavor ids may be short strings) within one cloud; the twin prefixes it with the configured cloud name.

export interface TargetProjectInventory {
  id: string;
  name: string;
  domainId: string | null;
}

export interface FlavorInventory {
  id: string;
  name: string;
  vcpus: number;
  ramMB: number;
  diskGB: number;
  ephemeralGB: number;
  isPublic: boolean;
  /** Extra specs as returned by Nova (os-extra-specs), e.g. {"resources:VGPU": "1"}. */
  extraSpecs: Record<string, string>;
  /** Project ids a private flavor is shared with (flavor access); empty for public flavors. */
  accessProjectIds: string[];
}

export interface NetworkInventory {
  id: string;
  name: string;
  projectId: string | null;
  external: boolean;
  shared: boolean;
  /** provider:network_type (flat, vlan, vxlan, ...) when visible to the caller. */
  providerType: string | null;
  /** provider:segmentation_id (the VLAN id for vlan networks). */
  segmentationId: number | null;
  status: string | null;
}

export interface SubnetInventory {
  id: string;
  name: string | null;
  networkId: string;
  cidr: string;
  ipVersion: number;
  gatewayIp: string | null;
  /** Allocation pools as [start, end] pairs. */
  allocationPools: [string, string][];
}

export interface PortInventory {
  id: string;
  networkId: string;
  macAddress: string;
  fixedIps: { subnetId: string; ipAddress: string }[];
  deviceOwner: string | null;
  deviceId: string | null;
  status: string | null;
  projectId: string | null;
}

export interface VolumeTypeInventory {
  id: string;
  name: string;
  isPublic: boolean;
  backendName: string | null;
}

export interface ImageInventory {
  id: string;
  name: string | null;
  diskFormat: string | null;
  containerFormat: string | null;
  sizeBytes: number | null;
  status: string | null;
  visibility: string | null;
}

/** One quota line: limit (-1 = unlimited) and current usage (in_use + reserved where the API reports them). */
export interface QuotaInventory {
  projectId: string;
  /** compute | network | volume */
  service: 'compute' | 'network' | 'volume';
  /** instances, cores, ram (MB), ports, networks, volumes, gigabytes, snapshots, ... */
  resource: string;
  limit: number;
  inUse: number;
  reserved: number;
}

/** Capacity of the compute side (placement inventories or os-hypervisors), summed over hypervisors. */
export interface ComputeCapacityInventory {
  hypervisors: number;
  vcpus: number;
  vcpusUsed: number;
  memoryMB: number;
  memoryMBUsed: number;
  /** allocation ratios applied by placement, when known */
  cpuAllocationRatio: number | null;
  ramAllocationRatio: number | null;
}

export interface ServerInventory {
  id: string;
  name: string;
  status: string | null;
}

export interface TargetInventory {
  /** Keystone auth URL and region the inventory was read from. */
  authUrl: string;
  region: string | null;
  /** The project the credentials are scoped to. */
  project: TargetProjectInventory;
  flavors: FlavorInventory[];
  networks: NetworkInventory[];
  subnets: SubnetInventory[];
  ports: PortInventory[];
  volumeTypes: VolumeTypeInventory[];
  images: ImageInventory[];
  quotas: QuotaInventory[];
  capacity: ComputeCapacityInventory | null;
  /** Servers of the scoped project (name collisions); absent when not read. */
  servers?: ServerInventory[];
}
