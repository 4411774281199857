// Full conversion of a guest on its target disk with virt-v2v-in-place (drivers, initramfs, bootloader,
// guest agent). Under TCG this takes ~10 min, mostly update-initramfs; the planner only picks it when
// the minimal path cannot work. virt-v2v leaves root=/dev/sdX in a Debian grub.cfg (it runs
// grub-mkconfig inside the appliance, where the disk is sda), so callers follow it with
// fixAfterFullConversion.

import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError, isFfoError } from '../../errors/ffo-error.js';
import { fixLinuxDeviceNames, type MinimalFixOptions, type MinimalFixResult } from './minimal-linux-fixer.js';
import { runTool } from './run-tool.js';

/** message/warning/info/error come from virt-v2v's JSON lines; progress from N/M lines; text is anything else. */
export type V2vMessageType = 'message' | 'warning' | 'info' | 'error' | 'progress' | 'text';

export interface V2vMessage {
  type: V2vMessageType | string;
  text: string;
  timestamp?: string;
  /** 0..1 for progress lines. */
  fraction?: number;
}

/**
 * One stdout line of `--machine-readable`: `{ "message": ..., "timestamp": ..., "type": ... }` JSON,
 * an `N/M` progress line, or the human `[  12.3] Inspecting the source` echo (type text).
 */
export function parseMachineReadableLine(line: string): V2vMessage | null {
  const trimmed = line.trim();
  if (trimmed === '') return null;
  const progress = /^(\d+)\/(\d+)$/.exec(trimmed);
  if (progress) {
    const total = Number(progress[2]);
    return { type: 'progress', text: trimmed, fraction: total > 0 ? Number(progress[1]) / total : 0 };
  }
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { message?: unknown; type?: unknown; timestamp?: unknown };
      if (typeof parsed.message === 'string' && typeof parsed.type === 'string')
        return {
          type: parsed.type,
          text: parsed.message,
          ...(typeof parsed.timestamp === 'string' ? { timestamp: parsed.timestamp } : {}),
        };
    } catch {
      // not JSON after all: report it as text
    }
  }
  return { type: 'text', text: trimmed };
}

/** Long option names from a tool's --help (to use flags only where this virt-v2v version has them). */
export function parseHelpOptions(help: string): Set<string> {
  return new Set([...help.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
}

export interface InPlaceArgsOptions {
  format?: 'raw' | 'qcow2';
  /** Options the installed virt-v2v-in-place accepts (parseHelpOptions); --block-driver only where supported. */
  supportedOptions?: ReadonlySet<string>;
  /** Extra arguments (e.g. --mac ...:ip:...) placed before the input disks. */
  extraArgs?: readonly string[];
}

/** Pure argv of virt-v2v-in-place for a disk input. */
export function virtV2vInPlaceArgs(disks: readonly string[], options: InPlaceArgsOptions = {}): string[] {
  const args = ['--machine-readable', '-i', 'disk', '-if', options.format ?? 'raw'];
  // virtio-blk is what the OpenStack image properties (hw_disk_bus=virtio) boot the guest with.
  if (options.supportedOptions?.has('--block-driver')) args.push('--block-driver', 'virtio-blk');
  args.push(...(options.extraArgs ?? []), ...disks);
  return args;
}

let helpProbe: Promise<Set<string>> | undefined;

/** Options of the installed virt-v2v-in-place (probed once per process). */
export function virtV2vInPlaceOptions(): Promise<Set<string>> {
  helpProbe ??= runTool('virt-v2v-in-place', ['--help'], { timeoutMs: 30_000 }).then(
    (r) => parseHelpOptions(r.stdout),
    (error: unknown) => {
      helpProbe = undefined;
      throw error;
    },
  );
  return helpProbe;
}

export interface RunV2vOptions extends Omit<InPlaceArgsOptions, 'supportedOptions'> {
  signal?: AbortSignal;
  /** Default 60 min: a big guest under TCG can take long, but a hung appliance must not block forever. */
  timeoutMs?: number;
  onMessage?: (type: string, text: string) => void;
  /** Every raw stdout line, for a conversion log kept verbatim. */
  onStdoutLine?: (line: string) => void;
  env?: Record<string, string>;
  /** Tool to run (virt-v2v-in-place); overridable for a wrapper on a conversion host. */
  command?: string;
}

export interface V2vRunResult {
  durationMs: number;
  messages: V2vMessage[];
  warnings: string[];
}

const DEFAULT_TIMEOUT_MS = 60 * 60_000;

/** Runs virt-v2v-in-place on the disks. Fails with CONVERSION_FAILED carrying virt-v2v's own error text. */
export async function runVirtV2vInPlace(
  disks: readonly string[],
  options: RunV2vOptions = {},
): Promise<V2vRunResult> {
  const command = options.command ?? 'virt-v2v-in-place';
  const supportedOptions = await virtV2vInPlaceOptions();
  const args = virtV2vInPlaceArgs(disks, { ...options, supportedOptions });
  const messages: V2vMessage[] = [];
  const stderrLines: string[] = [];
  const onLine = (line: string) => {
    options.onStdoutLine?.(line);
    const message = parseMachineReadableLine(line);
    if (!message) return;
    // The [  12.3] echo repeats each JSON message; keep it out of the stream to avoid duplicates.
    if (message.type === 'text' && /^\[\s*\d+\.\d\]/.test(message.text)) return;
    messages.push(message);
    options.onMessage?.(message.type, message.text);
  };
  try {
    const result = await runTool(command, args, {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
      env: options.env,
      onStdoutLine: onLine,
      onStderrLine: (line) => {
        stderrLines.push(line);
        options.onMessage?.('stderr', line);
      },
    });
    return {
      durationMs: result.durationMs,
      messages,
      warnings: messages.filter((m) => m.type === 'warning').map((m) => m.text),
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (isFfoError(error) && error.code === ErrorCode.DISK_TOOL_MISSING) throw error;
    const errors = messages.filter((m) => m.type === 'error').map((m) => m.text);
    const toolError =
      errors.at(-1) ??
      stderrLines.find((l) => l.includes(': error: '))?.replace(/^.*?: error: /, '') ??
      (error instanceof Error ? error.message : String(error));
    throw new FfoError(ErrorCode.CONVERSION_FAILED, `virt-v2v-in-place failed: ${toolError}`, {
      cause: error,
      retryable: isFfoError(error) && error.retryable,
      details: {
        toolErrors: errors,
        ...(isFfoError(error) ? error.details : {}),
      },
    });
  }
}

/**
 * The device-name fix after a full conversion: virt-v2v rewrote fstab to /dev/vdX but left grub.cfg's
 * root=/dev/sdX; both become UUID= here (NIC pins as for the minimal path).
 */
export function fixAfterFullConversion(
  disks: readonly string[],
  options: MinimalFixOptions = {},
): Promise<MinimalFixResult> {
  return fixLinuxDeviceNames(disks, options);
}

export interface FullConversionResult {
  v2v: V2vRunResult;
  fix: MinimalFixResult;
}

/** virt-v2v-in-place, then the device-name fix: the full path as the engine runs it. */
export async function convertLinuxFull(
  disks: readonly string[],
  options: RunV2vOptions & Pick<MinimalFixOptions, 'nics' | 'inspection'> = {},
): Promise<FullConversionResult> {
  const v2v = await runVirtV2vInPlace(disks, options);
  options.signal?.throwIfAborted();
  const fix = await fixAfterFullConversion(disks, {
    nics: options.nics,
    inspection: options.inspection,
    signal: options.signal,
    format: options.format,
  });
  return { v2v, fix };
}
