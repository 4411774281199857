// The shapes the Layer 1 engine persists in the twin (Migration node properties, JSON columns) and passes around.

export type MigrationMode = 'cold' | 'warm';
export type PipelineChoice = 'auto' | 'nbd' | 'http';
export type Pipeline = 'nbd' | 'http';
export type CutoverMode = 'manual' | 'auto' | 'scheduled';
export type ConversionChoice = 'auto' | 'none' | 'minimal' | 'full';

export type MigrationStatus =
  'queued' | 'running' | 'rolling_back' | 'completed' | 'failed' | 'cancelled' | 'rolled_back';

/** Statuses in which a migration still owns its VM (a second start is refused). */
export const ACTIVE_STATUSES: readonly MigrationStatus[] = ['queued', 'running', 'rolling_back'];

export type Phase =
  | 'validate'
  | 'enable_cbt'
  | 'prepare'
  | 'precopy'
  | 'delta'
  | 'cutover'
  | 'shutdown'
  | 'copy'
  | 'download'
  | 'convert'
  | 'import'
  | 'launch'
  | 'verify';

/** The phase sequence of a migration: fixed at start from its mode and pipeline. */
export function phasesFor(mode: MigrationMode, pipeline: Pipeline): Phase[] {
  if (pipeline === 'http') {
    return ['validate', 'prepare', 'shutdown', 'download', 'convert', 'import', 'launch', 'verify'];
  }
  if (mode === 'warm') {
    return [
      'validate',
      'enable_cbt',
      'prepare',
      'precopy',
      'delta',
      'cutover',
      'convert',
      'launch',
      'verify',
    ];
  }
  return ['validate', 'prepare', 'shutdown', 'copy', 'convert', 'launch', 'verify'];
}

export interface MigrationOptions {
  mode: MigrationMode;
  pipeline: PipelineChoice;
  cutover: CutoverMode;
  /** ISO time for a scheduled cutover. */
  cutoverAt: string | null;
  deltaIntervalSeconds: number;
  /** Automatic cutover once a delta round copies at most this many bytes. */
  autoCutoverBytes: number;
  flavorOverride: string | null;
  project: string | null;
  cloud: string;
  conversion: ConversionChoice;
  /** sha256 of every source disk and its target after the final copy (reads both once more). */
  verifyChecksums: boolean;
  /** Power the source back on after a completed migration (default: leave it off). */
  powerOnSourceAfter: boolean;
}

export interface PlannedDisk {
  key: number;
  /** "[datastore] dir/name.vmdk" */
  fileName: string;
  datastoreName: string;
  /** Descriptor path inside the datastore, e.g. "vm1/vm1.vmdk". */
  path: string;
  capacityBytes: number;
  thinProvisioned: boolean;
  controllerType: string | null;
  /** OpenStack volume type name (null = the cloud's default). */
  volumeType: string | null;
  sizeGB: number;
  boot: boolean;
}

export interface PlannedNic {
  key: number;
  macAddress: string;
  portGroup: string | null;
  /** OpenStack ids. */
  networkId: string;
  subnetId: string | null;
  fixedIp: string | null;
}

/** Everything a run needs, frozen at start so that retries and resumes act on the same decisions. */
export interface MigrationPlan {
  vm: {
    id: string;
    moid: string;
    name: string;
    vcenter: string;
    datacenter: string;
    powerState: string;
    guestId: string | null;
    firmware: string | null;
    changeTrackingEnabled: boolean;
  };
  cloud: string;
  project: { name: string; openstackId: string };
  flavor: { id: string; name: string };
  disks: PlannedDisk[];
  nics: PlannedNic[];
  pipeline: Pipeline;
  pipelineReason: string;
  phases: Phase[];
  options: MigrationOptions;
  warnings: { code: string; message: string }[];
}

export interface Extent {
  start: number;
  length: number;
}

/** One copy round (full or delta) of one disk: what to copy and how far it got. */
export interface DiskRound {
  kind: 'full' | 'delta';
  /** changeId the target already holds ("*" for a first full copy). */
  baseChangeId: string;
  /** changeId of this round's snapshot: the target holds it once the round is done. */
  targetChangeId: string | null;
  extents: [number, number][];
  chunkBytes: number;
  chunksDone: number;
  chunkCount: number;
  bytesTotal: number;
  bytesDone: number;
}

export interface DiskCheckpoint {
  key: number;
  volumeId: string | null;
  /** changeId the target volume is consistent with after the last completed round. */
  changeId: string | null;
  round: DiskRound | null;
  /** Every byte this migration wrote to the target (full + deltas + re-copies after a resume). */
  bytesCopied: number;
  /** The HTTP pipeline's local file and how much of it is downloaded. */
  downloadPath?: string | null;
  downloadedBytes?: number;
  sha256Source?: string | null;
  sha256Target?: string | null;
}

/** The run-wide checkpoint: stored as JSON on the Migration node and updated after every chunk. */
export interface MigrationCheckpoints {
  completedPhases: Phase[];
  round: { number: number; kind: 'full' | 'delta'; snapshotName: string; snapshotMoid: string | null } | null;
  disks: Record<string, DiskCheckpoint>;
  /** Delta rounds: [bytes moved, bytes changed] per round, for the delta-efficiency report. */
  deltaHistory: { round: number; bytesCopied: number; bytesChanged: number; seconds: number }[];
  downtimeStartedAt: string | null;
  sourcePowerStateAtStart: string | null;
  /** The datacenter's inventory path (dcPath of datastore HTTP access), read from vCenter at validation. */
  datacenterPath: string | null;
  conversion: { path: string; reason: string; changes: string[] } | null;
  server: { id: string; fixedIps: string[]; ports: { id: string; mac: string }[] } | null;
  verification: { name: string; ok: boolean; detail: string }[] | null;
}

export const emptyCheckpoints = (): MigrationCheckpoints => ({
  completedPhases: [],
  round: null,
  disks: {},
  deltaHistory: [],
  downtimeStartedAt: null,
  sourcePowerStateAtStart: null,
  datacenterPath: null,
  conversion: null,
  server: null,
  verification: null,
});

export interface MigrationRecord {
  id: string;
  vmId: string | null;
  vmName: string;
  mode: MigrationMode;
  status: MigrationStatus;
  phase: string;
  plan: MigrationPlan;
  checkpoints: MigrationCheckpoints;
  cutoverRequestedAt: string | null;
  cancelRequestedAt: string | null;
  cutoverAt: string | null;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
}

export type ResourceKind = 'volume' | 'port' | 'server' | 'image' | 'attachment' | 'snapshot' | 'flavor';

export interface MigrationResource {
  id: string;
  kind: ResourceKind;
  key: string;
  name: string;
  system: 'openstack' | 'vsphere';
  state: 'intended' | 'created' | 'deleted';
  externalId: string | null;
}
