// Public, stable error codes. Clients branch on these (GraphQL `extensions.code`, CLI exit output),
// never on message text. Add codes; never rename or reuse one.
export const ErrorCode = {
  BAD_INPUT: 'BAD_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONFIG_INVALID: 'CONFIG_INVALID',
  CREDENTIALS_MISSING: 'CREDENTIALS_MISSING',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  DEPENDENCY_IMPORT_INVALID: 'DEPENDENCY_IMPORT_INVALID',
  DEPENDENCY_SELF_LOOP: 'DEPENDENCY_SELF_LOOP',
  VSPHERE_LOGIN_FAILED: 'VSPHERE_LOGIN_FAILED',
  VSPHERE_NOT_AUTHENTICATED: 'VSPHERE_NOT_AUTHENTICATED',
  VSPHERE_FAULT: 'VSPHERE_FAULT',
  VSPHERE_UNREACHABLE: 'VSPHERE_UNREACHABLE',
  VSPHERE_PROTOCOL: 'VSPHERE_PROTOCOL',
  GRAPH_UNAVAILABLE: 'GRAPH_UNAVAILABLE',
  GRAPH_CONSTRAINT: 'GRAPH_CONSTRAINT',
  DISCOVERY_FAILED: 'DISCOVERY_FAILED',
  DISCOVERY_IN_PROGRESS: 'DISCOVERY_IN_PROGRESS',
  VCENTER_IDENTITY_MISMATCH: 'VCENTER_IDENTITY_MISMATCH',
  FLAVOR_DOES_NOT_FIT: 'FLAVOR_DOES_NOT_FIT',
  OPENSTACK_CONFLICT: 'OPENSTACK_CONFLICT',
  OPENSTACK_QUOTA_EXCEEDED: 'OPENSTACK_QUOTA_EXCEEDED',
  OPENSTACK_UNREACHABLE: 'OPENSTACK_UNREACHABLE',
  OPENSTACK_PROTOCOL: 'OPENSTACK_PROTOCOL',
  OPENSTACK_API_ERROR: 'OPENSTACK_API_ERROR',
  OPENSTACK_LOGIN_FAILED: 'OPENSTACK_LOGIN_FAILED',
  EXTERNAL_COMMAND_FAILED: 'EXTERNAL_COMMAND_FAILED',
  /** A disk tool (nbdkit, nbdcopy, qemu-img, virt-v2v, guestfish) or plugin is not installed. */
  DISK_TOOL_MISSING: 'DISK_TOOL_MISSING',
  /** The VMware VDDK library is configured but unusable (it is proprietary and never part of the lab). */
  VDDK_UNAVAILABLE: 'VDDK_UNAVAILABLE',
  /** The readiness check found blockers; details.concerns lists their codes. Nothing was created. */
  MIGRATION_BLOCKED: 'MIGRATION_BLOCKED',
  /** The VM already has a migration that is not finished. */
  MIGRATION_IN_PROGRESS: 'MIGRATION_IN_PROGRESS',
  /** The operation does not apply to the migration's current phase/status (e.g. cutover of a cold one). */
  MIGRATION_STATE_INVALID: 'MIGRATION_STATE_INVALID',
  /** The migration was cancelled while this step ran. */
  MIGRATION_CANCELLED: 'MIGRATION_CANCELLED',
  /** Warm migration needs Changed Block Tracking, which this VM cannot have. */
  WARM_MIGRATION_UNSUPPORTED: 'WARM_MIGRATION_UNSUPPORTED',
  /** Copying disk data failed (source read, target write, size or checksum mismatch). */
  TRANSFER_FAILED: 'TRANSFER_FAILED',
  /** The target volume's connection type cannot be written from this conversion host. */
  TARGET_BACKEND_UNSUPPORTED: 'TARGET_BACKEND_UNSUPPORTED',
  /** Guest inspection or OS conversion (virt-v2v, libguestfs) failed. */
  CONVERSION_FAILED: 'CONVERSION_FAILED',
  /** The target server did not become ACTIVE (details carry Nova's fault). */
  LAUNCH_FAILED: 'LAUNCH_FAILED',
  /** The launched server does not match the plan (ports, MACs, volumes, flavor). */
  VERIFY_FAILED: 'VERIFY_FAILED',
  /** A vSphere task ended in error or did not finish in time. */
  VSPHERE_TASK_FAILED: 'VSPHERE_TASK_FAILED',
  /** The fleet operation does not apply to the fleet's (or its plan's) current status. */
  FLEET_STATE_INVALID: 'FLEET_STATE_INVALID',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
