// JSON shapes of the OpenStack APIs at the microversions the client sends (compute 2.79, volume 3.60,
// placement 1.14), reduced to the fields we read or write. Services add fields freely and hide some from
// non-admins (provider:*, extra specs), so everything not guaranteed is optional: readers must cope.

// ---- Nova (compute) ----

export interface NovaFlavor {
  id: string;
  name?: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  /** MB; Nova returns "" for no swap before 2.75, 0 since. */
  swap?: number | string;
  rxtx_factor?: number;
  'os-flavor-access:is_public'?: boolean;
  'OS-FLV-DISABLED:disabled'?: boolean;
  description?: string | null;
  /** Inline since 2.61, when policy lets the caller read extra specs. */
  extra_specs?: Record<string, string>;
}

export interface NovaFlavorAccess {
  flavor_id: string;
  tenant_id: string;
}

export interface NovaFlavorCreate {
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  /** Omit to let Nova generate a UUID. */
  id?: string;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  swap?: number;
  rxtx_factor?: number;
  'os-flavor-access:is_public'?: boolean;
  description?: string;
}

export interface NovaAddress {
  addr: string;
  version: number;
  'OS-EXT-IPS:type'?: string;
  'OS-EXT-IPS-MAC:mac_addr'?: string;
}

export interface NovaServer {
  id: string;
  name?: string;
  status?: string;
  tenant_id?: string;
  user_id?: string;
  /** Embedded flavor description since 2.47 (original_name, vcpus, ram, disk, extra_specs, ...). */
  flavor?: { original_name?: string; vcpus?: number; ram?: number; disk?: number; id?: string };
  image?: { id: string } | '';
  addresses?: Record<string, NovaAddress[]>;
  'OS-EXT-SRV-ATTR:host'?: string | null;
  'OS-EXT-SRV-ATTR:hypervisor_hostname'?: string | null;
  'OS-EXT-STS:task_state'?: string | null;
  'OS-EXT-STS:vm_state'?: string;
  'OS-EXT-STS:power_state'?: number;
  'os-extended-volumes:volumes_attached'?: { id: string; delete_on_termination?: boolean }[];
  /** Set when the server is in ERROR (details only for admins). */
  fault?: { code?: number; message?: string; created?: string; details?: string };
  metadata?: Record<string, string>;
  created?: string;
  updated?: string;
}

export interface NovaBlockDeviceMapping {
  boot_index?: number | null;
  uuid?: string;
  source_type: 'volume' | 'image' | 'snapshot' | 'blank';
  destination_type?: 'volume' | 'local';
  volume_size?: number;
  delete_on_termination?: boolean;
  device_name?: string;
  volume_type?: string;
  tag?: string;
}

export interface NovaServerCreate {
  name: string;
  flavorRef: string;
  imageRef?: string;
  /** Pre-created ports ({port}) keep their MAC and fixed IPs; "none"/"auto" since 2.37. */
  networks: { port?: string; uuid?: string; fixed_ip?: string; tag?: string }[] | 'none' | 'auto';
  block_device_mapping_v2?: NovaBlockDeviceMapping[];
  availability_zone?: string;
  metadata?: Record<string, string>;
  key_name?: string;
  user_data?: string;
  config_drive?: boolean;
  security_groups?: { name: string }[];
  description?: string;
}

/** One entry of GET /servers/{id}/os-volume_attachments. */
export interface NovaVolumeAttachment {
  id?: string;
  volumeId: string;
  serverId?: string;
  device?: string | null;
  /** 2.70+ */
  tag?: string | null;
  /** 2.79+ */
  delete_on_termination?: boolean;
  /** 2.89+ */
  attachment_id?: string;
}

export interface NovaServerCreated {
  id: string;
  links?: { rel: string; href: string }[];
  adminPass?: string;
  security_groups?: { name: string }[];
}

/** GET /limits `absolute` (2.57+: no personality/injected file entries). */
export interface NovaAbsoluteLimits {
  maxTotalCores?: number;
  totalCoresUsed?: number;
  maxTotalInstances?: number;
  totalInstancesUsed?: number;
  maxTotalRAMSize?: number;
  totalRAMUsed?: number;
  maxServerGroups?: number;
  totalServerGroupsUsed?: number;
  maxServerGroupMembers?: number;
  maxServerMeta?: number;
  maxTotalKeypairs?: number;
  [name: string]: number | undefined;
}

export interface NovaLimits {
  absolute: NovaAbsoluteLimits;
  rate?: unknown[];
}

/** One line of GET /os-quota-sets/{project}/detail. */
export interface QuotaDetail {
  limit: number;
  in_use: number;
  reserved?: number;
}

/** GET /os-hypervisors/detail; vcpus/memory_mb/... were removed in 2.88 (use placement then). */
export interface NovaHypervisor {
  id: string | number;
  hypervisor_hostname?: string;
  hypervisor_type?: string;
  state?: string;
  status?: string;
  vcpus?: number;
  vcpus_used?: number;
  memory_mb?: number;
  memory_mb_used?: number;
  local_gb?: number;
  local_gb_used?: number;
  running_vms?: number;
}

// ---- Placement ----

export interface PlacementResourceProvider {
  uuid: string;
  name?: string;
  generation?: number;
  parent_provider_uuid?: string | null;
  root_provider_uuid?: string;
}

export interface PlacementInventory {
  total: number;
  reserved?: number;
  min_unit?: number;
  max_unit?: number;
  step_size?: number;
  allocation_ratio?: number;
}

// ---- Neutron (network) ----

export interface NeutronNetwork {
  id: string;
  name?: string;
  project_id?: string;
  tenant_id?: string;
  status?: string;
  shared?: boolean;
  admin_state_up?: boolean;
  'router:external'?: boolean;
  /** Admin-only by default policy. */
  'provider:network_type'?: string | null;
  'provider:physical_network'?: string | null;
  'provider:segmentation_id'?: number | null;
  mtu?: number;
  subnets?: string[];
}

export interface NeutronAllocationPool {
  start: string;
  end: string;
}

export interface NeutronSubnet {
  id: string;
  name?: string;
  network_id: string;
  cidr?: string;
  ip_version?: number;
  gateway_ip?: string | null;
  allocation_pools?: NeutronAllocationPool[];
  enable_dhcp?: boolean;
  dns_nameservers?: string[];
  project_id?: string;
}

export interface NeutronFixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface NeutronPort {
  id: string;
  name?: string;
  network_id: string;
  mac_address?: string;
  fixed_ips?: NeutronFixedIp[];
  device_owner?: string;
  device_id?: string;
  status?: string;
  project_id?: string;
  tenant_id?: string;
  admin_state_up?: boolean;
  port_security_enabled?: boolean;
  security_groups?: string[];
  'binding:host_id'?: string;
  'binding:vif_type'?: string;
  'binding:vnic_type'?: string;
  description?: string;
  /** standard-attr-tag extension. */
  tags?: string[];
}

export interface NeutronPortCreate {
  network_id: string;
  name?: string;
  /** Keeping the vSphere NIC's MAC: needs the default `create_port:mac_address` policy (admin/owner). */
  mac_address?: string;
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  device_owner?: string;
  device_id?: string;
  admin_state_up?: boolean;
  port_security_enabled?: boolean;
  security_groups?: string[];
  description?: string;
  'binding:vnic_type'?: string;
}

/** PUT /ports/{id}: the updatable subset used by the migration. */
export interface NeutronPortUpdate {
  name?: string;
  description?: string;
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  admin_state_up?: boolean;
  device_id?: string;
  device_owner?: string;
}

/** One line of GET /v2.0/quotas/{project}/details (quota_details extension). */
export interface NeutronQuotaDetail {
  limit: number;
  used: number;
  reserved?: number;
}

// ---- Cinder (block-storage) ----

export interface CinderVolume {
  id: string;
  name?: string | null;
  size?: number;
  status?: string;
  volume_type?: string | null;
  /** 3.63+ */
  volume_type_id?: string;
  /** "true" / "false" (a string). */
  bootable?: string;
  availability_zone?: string;
  attachments?: { attachment_id?: string; server_id?: string; device?: string; host_name?: string | null }[];
  'os-vol-tenant-attr:tenant_id'?: string;
  'os-vol-host-attr:host'?: string | null;
  volume_image_metadata?: Record<string, string>;
  metadata?: Record<string, string>;
  description?: string | null;
  multiattach?: boolean;
  created_at?: string;
  /** Admin-only: attached/detached/attaching/... */
  attach_status?: string;
  /** Admin-only: error detail of a failed create (cinder's `migration_status` is something else). */
  'os-vol-mig-status-attr:migstat'?: string | null;
}

export interface CinderVolumeCreate {
  size: number;
  name?: string;
  description?: string;
  volume_type?: string;
  availability_zone?: string;
  imageRef?: string;
  snapshot_id?: string;
  source_volid?: string;
  metadata?: Record<string, string>;
}

export interface CinderVolumeType {
  id: string;
  name?: string;
  description?: string | null;
  is_public?: boolean;
  'os-volume-type-access:is_public'?: boolean;
  /** Admins see all; others only user-visible keys (no volume_backend_name). */
  extra_specs?: Record<string, string>;
  qos_specs_id?: string | null;
}

/** One line of GET /os-quota-sets/{project}?usage=true. */
export interface CinderQuotaUsage {
  limit: number;
  in_use: number;
  reserved?: number;
  allocated?: number;
}

export interface CinderAttachment {
  id: string;
  volume_id?: string;
  instance?: string | null;
  status?: string;
  attach_mode?: string;
  attached_at?: string | null;
  detached_at?: string | null;
  connection_info?: Record<string, unknown> | null;
  /** Only in POST/PUT answers of some releases; lists carry ids only. */
  connector?: Record<string, unknown> | null;
}

export interface CinderAttachmentCreate {
  volume_uuid: string;
  instance_uuid?: string;
  /** os-brick connector of the host that will use the volume; without it the attachment is only reserved. */
  connector?: Record<string, unknown>;
  /** rw (default) or ro; 3.54+. */
  mode?: 'rw' | 'ro';
}

// ---- Glance (image) ----

export interface GlanceImage {
  id: string;
  name?: string | null;
  status?: string;
  visibility?: string;
  disk_format?: string | null;
  container_format?: string | null;
  size?: number | null;
  virtual_size?: number | null;
  min_disk?: number;
  min_ram?: number;
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  owner?: string;
  protected?: boolean;
  tags?: string[];
  created_at?: string;
  updated_at?: string;
}

export interface GlanceImageCreate {
  name: string;
  disk_format: string;
  container_format: string;
  /** Omit to let Glance generate a UUID. */
  id?: string;
  visibility?: 'public' | 'private' | 'shared' | 'community';
  min_disk?: number;
  min_ram?: number;
  protected?: boolean;
  tags?: string[];
  /** Additional image properties (hw_disk_bus, os_type, ...). */
  [property: string]: string | number | boolean | string[] | undefined;
}
