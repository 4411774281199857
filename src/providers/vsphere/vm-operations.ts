// VM operations the migration engine needs on a logged-in vim25 session: state, Changed Block Tracking,
// snapshots, changed disk areas, power, and task waiting. Tasks are polled (info.state) with a growing
// interval; vCenter keeps finished tasks around for minutes, so polling never misses the outcome.

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { VSphereFaultError, VSphereProtocolError } from '../../errors/vsphere-errors.js';
import { mapVmDevices } from './device-mapping.js';
import { moRef, moRefOf, type ManagedObjectReference } from './managed-object-reference.js';
import type { ObjectContent } from './retrieve-result.js';
import { objectFilterSpec, soapObject, type PropertySpec, type TraversalSpec } from './soap-envelope.js';
import type { VimClient } from './vim-client.js';
import {
  ATTR_PREFIX,
  TEXT_KEY,
  asArray,
  booleanOf,
  childOf,
  isXmlObject,
  nonEmptyTextOf,
  numberOf,
  textOf,
  xsiTypeOf,
  type XmlValue,
} from './xml-tree.js';

export interface VmDiskState {
  key: number;
  label: string;
  /** "[ds] path/x.vmdk" */
  fileName: string;
  datastoreName: string;
  /** Path of the descriptor inside the datastore, e.g. "vm1/vm1.vmdk". */
  path: string;
  capacityBytes: number;
  thinProvisioned: boolean;
  changeId: string | null;
  controllerKey: number;
  unitNumber: number | null;
}

export type VmPowerState = 'poweredOn' | 'poweredOff' | 'suspended';

export interface VmSnapshotRef {
  moid: string;
  name: string;
}

export interface VmState {
  moid: string;
  name: string;
  powerState: VmPowerState;
  changeTrackingEnabled: boolean;
  datacenterName: string;
  /**
   * Inventory path of the datacenter below the root folder ("DC0", or "emea/DC0" for a datacenter in a
   * folder): the `dcPath` datastore HTTP access needs. Equals datacenterName unless folders are involved.
   */
  datacenterPath: string;
  disks: VmDiskState[];
  /** Every snapshot of the VM, depth first (parents before children). */
  snapshots: VmSnapshotRef[];
  guestToolsRunning: boolean;
}

export interface SnapshotDisk {
  key: number;
  changeId: string | null;
  fileName: string;
  capacityBytes: number;
}

/** A byte range of a disk (DiskChangeExtent). */
export interface DiskExtent {
  start: number;
  length: number;
}

/** What VmOperations needs from a session; VimClient provides it. */
export type VmOperationsSession = Pick<VimClient, 'call' | 'retrievePropertiesEx'>;

/** Default deadline of waitForTask: snapshot consolidation of big disks can take long. */
const DEFAULT_TASK_TIMEOUT_MS = 3_600_000;
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;
/** Consecutive transient polling failures (network blips) tolerated while waiting for a task. */
const MAX_POLL_FAILURES = 5;

/** Task faults that describe a passing condition of the host or object, worth retrying later. */
const TRANSIENT_TASK_FAULTS: ReadonlySet<string> = new Set([
  'TaskInProgress',
  'ConcurrentAccess',
  'ResourceInUse',
  'HostCommunication',
  'HostNotConnected',
  'HostNotReachable',
]);

const POWER_STATES: ReadonlySet<string> = new Set(['poweredOn', 'poweredOff', 'suspended']);

/**
 * Up the inventory from the VM to the root folder, so one retrieval yields the datacenter. vApp members
 * have no parent folder: parentVApp leads to the vApp, whose parents lead to the datacenter.
 */
const PARENT_WALK: readonly TraversalSpec[] = [
  {
    name: 'toParent',
    type: 'ManagedEntity',
    path: 'parent',
    skip: false,
    selectSet: [{ name: 'toParent' }],
  },
  {
    name: 'toParentVApp',
    type: 'VirtualMachine',
    path: 'parentVApp',
    skip: false,
    selectSet: [{ name: 'toParent' }],
  },
];

const VM_STATE_PROPERTIES: readonly PropertySpec[] = [
  {
    type: 'VirtualMachine',
    pathSet: [
      'runtime.powerState',
      'config.changeTrackingEnabled',
      'config.hardware.device',
      'snapshot',
      'guest.toolsRunningStatus',
      'parentVApp',
    ],
  },
  // Every object on the walk, the VM included: names (datacenter, folders) and the links themselves.
  { type: 'ManagedEntity', pathSet: ['name', 'parent'] },
];

export class VmOperations {
  constructor(private readonly vim: VmOperationsSession) {}

  async getVmState(vmMoid: string): Promise<VmState> {
    const vm = vmRef(vmMoid);
    const result = await this.vim.retrievePropertiesEx([
      objectFilterSpec(vm, VM_STATE_PROPERTIES, PARENT_WALK),
    ]);
    const byKey = new Map<string, Map<string, XmlValue>>();
    for (const object of result.objects) byKey.set(refKey(object.obj), propsOf(object));
    const props = byKey.get(refKey(vm));
    if (props === undefined) throw new VSphereProtocolError(`RetrievePropertiesEx returned no ${vmMoid}`);

    const datacenter = findDatacenter(vm, byKey);
    if (datacenter === null) throw new VSphereProtocolError(`${vmMoid} is not inside a datacenter`);
    const powerState = textOf(props.get('runtime.powerState')) ?? '';
    if (!POWER_STATES.has(powerState)) {
      throw new VSphereProtocolError(`${vmMoid} has an unknown power state "${powerState}"`);
    }
    return {
      moid: vmMoid,
      name: textOf(props.get('name')) ?? vmMoid,
      powerState: powerState as VmPowerState,
      changeTrackingEnabled: booleanOf(props.get('config.changeTrackingEnabled')) === true,
      datacenterName: datacenter.name,
      datacenterPath: datacenter.path,
      disks: mapVmDevices(props.get('config.hardware.device')).disks.map((disk): VmDiskState => {
        const location = parseDatastorePath(disk.fileName);
        return {
          key: disk.key,
          label: disk.label ?? `disk-${disk.key}`,
          fileName: disk.fileName,
          datastoreName: location?.datastoreName ?? '',
          path: location?.path ?? '',
          capacityBytes: disk.capacityBytes,
          thinProvisioned: disk.thinProvisioned,
          changeId: disk.changeId,
          controllerKey: disk.controllerKey,
          unitNumber: disk.unitNumber,
        };
      }),
      snapshots: flattenSnapshotTree(props.get('snapshot')),
      guestToolsRunning: textOf(props.get('guest.toolsRunningStatus')) === 'guestToolsRunning',
    };
  }

  /**
   * Turns CBT on. On a powered-on VM vSphere starts tracking only after the next stun (a snapshot
   * create/remove), which the engine's first snapshot provides.
   */
  async enableChangeTracking(vmMoid: string): Promise<void> {
    const task = await this.startTask('ReconfigVM_Task', vmRef(vmMoid), {
      spec: soapObject({ changeTrackingEnabled: true }),
    });
    await this.waitForTask(task.value);
  }

  /** Crash-consistent disk-only snapshot; returns its moid. */
  async createSnapshot(vmMoid: string, name: string, description: string): Promise<string> {
    const task = await this.startTask('CreateSnapshot_Task', vmRef(vmMoid), {
      name,
      description,
      memory: false,
      quiesce: false,
    });
    const snapshot = moRefOf(await this.waitForTask(task.value));
    if (snapshot === null)
      throw new VSphereProtocolError(`CreateSnapshot_Task ${task.value} returned no snapshot`);
    return snapshot.value;
  }

  /** Removes one snapshot (its children stay) and consolidates its delta into the parent. */
  async removeSnapshot(snapshotMoid: string): Promise<void> {
    const task = await this.startTask('RemoveSnapshot_Task', snapshotRef(snapshotMoid), {
      removeChildren: false,
      consolidate: true,
    });
    await this.waitForTask(task.value);
  }

  /** Snapshots whose name starts with `namePrefix`, depth first. */
  async findSnapshots(vmMoid: string, namePrefix: string): Promise<VmSnapshotRef[]> {
    const props = await this.retrieveOne(vmRef(vmMoid), ['snapshot']);
    return flattenSnapshotTree(props.get('snapshot')).filter((s) => s.name.startsWith(namePrefix));
  }

  /** Disks as recorded in the snapshot: their changeId is the base of the next incremental query. */
  async snapshotDisks(snapshotMoid: string): Promise<SnapshotDisk[]> {
    const props = await this.retrieveOne(snapshotRef(snapshotMoid), ['config.hardware.device']);
    return mapVmDevices(props.get('config.hardware.device')).disks.map((d) => ({
      key: d.key,
      changeId: d.changeId,
      fileName: d.fileName,
      capacityBytes: d.capacityBytes,
    }));
  }

  /**
   * Areas of disk `deviceKey` in `snapshotMoid` changed since `changeId` ("*": all allocated areas).
   * vCenter answers for a window of the disk at a time (DiskChangeInfo.startOffset/length), so this asks
   * again from the end of each window until the whole capacity is covered. Adjacent extents are merged.
   */
  async queryChangedDiskAreas(
    vmMoid: string,
    snapshotMoid: string,
    deviceKey: number,
    changeId: string,
    capacityBytes: number,
  ): Promise<DiskExtent[]> {
    const areas: DiskExtent[] = [];
    let offset = 0;
    while (offset < capacityBytes) {
      const ret = await this.vim.call('QueryChangedDiskAreas', vmRef(vmMoid), {
        snapshot: snapshotRef(snapshotMoid),
        deviceKey,
        startOffset: offset,
        changeId,
      });
      const info = parseDiskChangeInfo(ret);
      for (const area of info.changedArea) areas.push(area);
      const next = info.startOffset + info.length;
      // A window that does not move forward would loop forever.
      if (!(next > offset)) {
        throw new VSphereProtocolError(
          `QueryChangedDiskAreas made no progress at offset ${offset} of disk ${deviceKey} (${vmMoid})`,
          { details: { vmMoid, deviceKey, offset, startOffset: info.startOffset, length: info.length } },
        );
      }
      offset = next;
    }
    return mergeExtents(areas, capacityBytes);
  }

  /** Hard power off; a VM that is already off is left alone. */
  async powerOff(vmMoid: string): Promise<void> {
    await this.changePower(vmMoid, 'PowerOffVM_Task', 'poweredOff');
  }

  /** Power on (or resume); a VM that is already on is left alone. */
  async powerOn(vmMoid: string): Promise<void> {
    await this.changePower(vmMoid, 'PowerOnVM_Task', 'poweredOn');
  }

  /**
   * Asks the guest OS to shut down (VMware Tools) and returns once the request is accepted; the VM powers
   * off later: follow with waitForPowerState. A VM that is already off is left alone.
   */
  async shutdownGuest(vmMoid: string): Promise<void> {
    if ((await this.powerState(vmMoid)) === 'poweredOff') return;
    try {
      await this.vim.call('ShutdownGuest', vmRef(vmMoid));
    } catch (error) {
      if (faultTypeOf(error) === 'InvalidPowerState' && (await this.powerState(vmMoid)) === 'poweredOff')
        return;
      throw error;
    }
  }

  /** Polls runtime.powerState until it equals `state`; false when `timeoutMs` passes first. */
  async waitForPowerState(
    vmMoid: string,
    state: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let interval = FIRST_POLL_MS;
    for (;;) {
      signal?.throwIfAborted();
      if ((await this.powerState(vmMoid)) === state) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await delay(Math.min(interval, left), signal);
      interval = Math.min(interval * 2, MAX_POLL_MS);
    }
  }

  /**
   * Waits for a task to finish and returns its info.result (parsed XML, undefined when the task has none).
   * A task error becomes FfoError VSPHERE_TASK_FAILED with the fault type and message; so does the deadline
   * (details.reason 'timeout', retryable: the task may still finish).
   */
  async waitForTask(
    taskMoid: string,
    timeoutMs: number = DEFAULT_TASK_TIMEOUT_MS,
    signal?: AbortSignal,
  ): Promise<XmlValue | undefined> {
    const task = moRef('Task', taskMoid);
    const deadline = Date.now() + timeoutMs;
    let interval = FIRST_POLL_MS;
    let failures = 0;
    for (;;) {
      signal?.throwIfAborted();
      let props: Map<string, XmlValue> | null = null;
      try {
        props = await this.retrieveOne(task, [
          'info.state',
          'info.error',
          'info.result',
          'info.descriptionId',
        ]);
        failures = 0;
      } catch (error) {
        // A network blip must not fail a long consolidation; faults (e.g. the task is gone) do.
        if (!(error instanceof FfoError && error.retryable) || ++failures > MAX_POLL_FAILURES) throw error;
      }
      if (props !== null) {
        const state = textOf(props.get('info.state'));
        if (state === 'success') return props.get('info.result');
        if (state === 'error') throw taskError(taskMoid, props);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FfoError(
          ErrorCode.VSPHERE_TASK_FAILED,
          `vSphere task ${taskMoid} did not finish within ${timeoutMs} ms`,
          {
            retryable: true,
            details: { taskMoid, reason: 'timeout', timeoutMs },
          },
        );
      }
      await delay(Math.min(interval, left), signal);
      interval = Math.min(interval * 2, MAX_POLL_MS);
    }
  }

  private async powerState(vmMoid: string): Promise<string | null> {
    const props = await this.retrieveOne(vmRef(vmMoid), ['runtime.powerState']);
    return textOf(props.get('runtime.powerState'));
  }

  private async changePower(vmMoid: string, method: string, target: VmPowerState): Promise<void> {
    if ((await this.powerState(vmMoid)) === target) return;
    try {
      const task = await this.startTask(method, vmRef(vmMoid), {});
      await this.waitForTask(task.value);
    } catch (error) {
      // Someone else changed the power state between our check and the task: the goal is reached anyway.
      if (faultTypeOf(error) === 'InvalidPowerState' && (await this.powerState(vmMoid)) === target) return;
      throw error;
    }
  }

  private async startTask(
    method: string,
    thisRef: ManagedObjectReference,
    args: Parameters<VmOperationsSession['call']>[2],
  ): Promise<ManagedObjectReference> {
    const task = moRefOf(await this.vim.call(method, thisRef, args));
    if (task === null) throw new VSphereProtocolError(`${method} returned no task reference`);
    return task;
  }

  private async retrieveOne(
    obj: ManagedObjectReference,
    pathSet: readonly string[],
  ): Promise<Map<string, XmlValue>> {
    const result = await this.vim.retrievePropertiesEx([
      objectFilterSpec(obj, [{ type: obj.type, pathSet }]),
    ]);
    const object = result.objects.find((o) => o.obj.value === obj.value);
    return object === undefined ? new Map() : propsOf(object);
  }
}

// ---------------------------------------------------------------------------------------------------

/** Datastore file URL (`/folder` HTTP access) next to the SDK endpoint; works for vCenter and ESXi. */
export function datastoreFileUrl(
  sdkUrl: string,
  datacenterName: string,
  datastoreName: string,
  pathInDatastore: string,
): string {
  const sdk = new URL(sdkUrl);
  // A proxy may publish the SDK below a prefix ("/vc1/sdk"); /folder lives next to it.
  const prefix = sdk.pathname.replace(/\/+$/, '').replace(/\/sdk$/, '');
  const path = pathInDatastore
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
  return (
    `${sdk.protocol}//${sdk.host}${prefix}/folder/${path}` +
    `?dcPath=${encodeURIComponent(datacenterName)}&dsName=${encodeURIComponent(datastoreName)}`
  );
}

/** "vm/vm.vmdk" -> "vm/vm-flat.vmdk": the data file of a flat (monolithicFlat / vmfs) descriptor. */
export function flatFileOf(descriptorPath: string): string {
  if (!/\.vmdk$/i.test(descriptorPath)) throw new TypeError(`Not a .vmdk path: ${descriptorPath}`);
  return `${descriptorPath.slice(0, -'.vmdk'.length)}-flat.vmdk`;
}

/** "[ds 1] vm/vm.vmdk" -> { datastoreName: "ds 1", path: "vm/vm.vmdk" }; null when not a datastore path. */
export function parseDatastorePath(fileName: string): { datastoreName: string; path: string } | null {
  const match = /^\[([^\]]*)\]\s*(.*)$/.exec(fileName);
  if (match === null) return null;
  return { datastoreName: match[1]!, path: match[2]! };
}

/** Sorts, clips to [0, capacity) and merges overlapping or adjacent extents. */
export function mergeExtents(extents: readonly DiskExtent[], capacityBytes: number): DiskExtent[] {
  const sorted = extents
    .map((e) => {
      const start = Math.max(0, e.start);
      return { start, length: Math.min(e.start + e.length, capacityBytes) - start };
    })
    .filter((e) => e.length > 0)
    .sort((a, b) => a.start - b.start);
  const out: DiskExtent[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && e.start <= last.start + last.length) {
      last.length = Math.max(last.length, e.start + e.length - last.start);
    } else {
      out.push({ ...e });
    }
  }
  return out;
}

interface DiskChangeInfo {
  startOffset: number;
  length: number;
  changedArea: DiskExtent[];
}

function parseDiskChangeInfo(ret: XmlValue | undefined): DiskChangeInfo {
  const startOffset = numberOf(childOf(ret, 'startOffset'));
  const length = numberOf(childOf(ret, 'length'));
  if (startOffset === null || length === null) {
    throw new VSphereProtocolError('QueryChangedDiskAreas returned no DiskChangeInfo startOffset/length');
  }
  const changedArea: DiskExtent[] = [];
  for (const area of isXmlObject(ret) ? asArray(ret['changedArea']) : []) {
    const start = numberOf(childOf(area, 'start'));
    const areaLength = numberOf(childOf(area, 'length'));
    if (start !== null && areaLength !== null) changedArea.push({ start, length: areaLength });
  }
  return { startOffset, length, changedArea };
}

function flattenSnapshotTree(info: XmlValue | undefined): VmSnapshotRef[] {
  const out: VmSnapshotRef[] = [];
  const visit = (trees: XmlValue[], depth: number): void => {
    if (depth > 512) return; // vSphere allows 32 levels; guard against broken data
    for (const tree of trees) {
      if (!isXmlObject(tree)) continue;
      const ref = moRefOf(tree['snapshot']);
      if (ref !== null) out.push({ moid: ref.value, name: textOf(tree['name']) ?? '' });
      visit(asArray(tree['childSnapshotList']), depth + 1);
    }
  };
  visit(isXmlObject(info) ? asArray(info['rootSnapshotList']) : [], 0);
  return out;
}

function findDatacenter(
  start: ManagedObjectReference,
  objects: ReadonlyMap<string, ReadonlyMap<string, XmlValue>>,
): { name: string; path: string } | null {
  const props = (ref: ManagedObjectReference): ReadonlyMap<string, XmlValue> | undefined =>
    objects.get(refKey(ref));
  const vm = props(start);
  let current = moRefOf(vm?.get('parent')) ?? moRefOf(vm?.get('parentVApp'));
  for (let hops = 0; current !== null && hops < 256; hops++) {
    if (current.type === 'Datacenter') {
      const dc = props(current);
      const name = textOf(dc?.get('name')) ?? current.value;
      // Folder names between the root folder (the one without a parent) and the datacenter.
      const folders: string[] = [];
      let up = moRefOf(dc?.get('parent'));
      for (let depth = 0; up !== null && depth < 256; depth++) {
        const folder = props(up);
        const parent = moRefOf(folder?.get('parent'));
        if (parent === null) break;
        folders.unshift(textOf(folder?.get('name')) ?? up.value);
        up = parent;
      }
      return { name, path: [...folders, name].join('/') };
    }
    current = moRefOf(props(current)?.get('parent'));
  }
  return null;
}

function taskError(taskMoid: string, props: ReadonlyMap<string, XmlValue>): FfoError {
  const error = props.get('info.error');
  const fault = childOf(error, 'fault');
  const faultType = xsiTypeOf(fault) ?? 'unknown';
  const faultMessage = nonEmptyTextOf(childOf(error, 'localizedMessage')) ?? faultType;
  const description = nonEmptyTextOf(props.get('info.descriptionId'));
  const what =
    description === null ? `vSphere task ${taskMoid}` : `vSphere task ${taskMoid} (${description})`;
  return new FfoError(ErrorCode.VSPHERE_TASK_FAILED, `${what} failed: ${faultType}: ${faultMessage}`, {
    retryable: TRANSIENT_TASK_FAULTS.has(faultType),
    details: { taskMoid, description, faultType, faultMessage, fault: scalarFields(fault) },
  });
}

/** Simple fields of a fault (e.g. InvalidPowerState.existingState), bounded, for error details. */
function scalarFields(node: XmlValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isXmlObject(node)) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith(ATTR_PREFIX) || key.startsWith('#') || Object.keys(out).length >= 16) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
    else if (isXmlObject(first) && typeof first[TEXT_KEY] === 'string') out[key] = first[TEXT_KEY];
  }
  return out;
}

/** vim25 fault type of a call fault or a failed task; null for anything else. */
function faultTypeOf(error: unknown): string | null {
  if (error instanceof VSphereFaultError) return error.faultType;
  if (error instanceof FfoError && error.code === ErrorCode.VSPHERE_TASK_FAILED) {
    const type = error.details['faultType'];
    return typeof type === 'string' ? type : null;
  }
  return null;
}

function propsOf(object: ObjectContent): Map<string, XmlValue> {
  const props = new Map<string, XmlValue>();
  for (const p of object.propSet) props.set(p.name, p.val);
  return props;
}

function refKey(ref: ManagedObjectReference): string {
  return `${ref.type}\u0000${ref.value}`;
}

function vmRef(moid: string): ManagedObjectReference {
  return moRef('VirtualMachine', moid);
}

function snapshotRef(moid: string): ManagedObjectReference {
  return moRef('VirtualMachineSnapshot', moid);
}

/** setTimeout that rejects with the signal's reason (not a generic AbortError) when aborted. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
