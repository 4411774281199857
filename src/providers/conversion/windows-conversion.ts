// Command line for converting a Windows guest in place. Built, not run, here: the lab has no Windows
// image, and virtio-win (the signed virtio drivers) and rhsrvany (the firstboot service) do not come from
// Debian, so both are paths the operator configures.

import { isIP } from 'node:net';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { virtV2vInPlaceArgs } from './virt-v2v-runner.js';

export interface StaticIpAssignment {
  /** MAC of the NIC on the target (kept from VMware), which is how Windows' adapter is found again. */
  mac: string;
  address: string;
  gateway?: string;
  prefixLength?: number;
  nameservers?: string[];
}

export interface WindowsConversionInput {
  disks: readonly string[];
  /** virtio-win ISO or unpacked directory (VIRTIO_WIN). Required. */
  virtioWin?: string | null;
  /** Directory with rhsrvany.exe and pnp_wait.exe (VIRT_TOOLS_DATA_DIR), needed for anything at first boot. */
  virtToolsDataDir?: string | null;
  /** Windows forgets static IPs when the NIC changes (new PCI device); re-apply them after conversion. */
  staticIps?: readonly StaticIpAssignment[];
  /** Local script files run once at first boot (.bat/.ps1 via --firstboot). */
  firstbootScripts?: readonly string[];
  /** Commands run once at first boot (--firstboot-command). */
  firstbootCommands?: readonly string[];
  /** Options of the installed virt-v2v-in-place (virtV2vInPlaceOptions()). */
  supportedOptions: ReadonlySet<string>;
  format?: 'raw' | 'qcow2';
}

export interface WindowsConversionCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

const MAC_PATTERN = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

function refuse(message: string, details: Record<string, unknown> = {}): FfoError {
  return new FfoError(ErrorCode.CONVERSION_FAILED, message, { details });
}

function validateIp(ip: StaticIpAssignment): void {
  const bad = (what: string) => refuse(`static IP for ${ip.mac}: ${what}`, { mac: ip.mac });
  if (!MAC_PATTERN.test(ip.mac)) throw bad('not a MAC address');
  if (isIP(ip.address) === 0) throw bad(`not an IP address: ${ip.address}`);
  if (ip.gateway !== undefined && isIP(ip.gateway) === 0) throw bad(`not a gateway address: ${ip.gateway}`);
  const maxPrefix = isIP(ip.address) === 6 ? 128 : 32;
  if (
    ip.prefixLength !== undefined &&
    !(Number.isInteger(ip.prefixLength) && ip.prefixLength >= 0 && ip.prefixLength <= maxPrefix)
  )
    throw bad(`prefix length ${ip.prefixLength} out of range`);
  for (const ns of ip.nameservers ?? []) if (isIP(ns) === 0) throw bad(`not a nameserver address: ${ns}`);
}

/** virt-v2v's --mac MAC:ip:ADDR[,GW[,LEN[,NS,...]]]; a nameserver needs gateway and length before it. */
export function macIpOption(ip: StaticIpAssignment): string {
  validateIp(ip);
  const fields = [ip.address];
  const ns = ip.nameservers ?? [];
  if (ip.gateway !== undefined || ip.prefixLength !== undefined || ns.length > 0)
    fields.push(ip.gateway ?? '');
  if (ip.prefixLength !== undefined || ns.length > 0)
    fields.push(ip.prefixLength === undefined ? '' : String(ip.prefixLength));
  fields.push(...ns);
  return `${ip.mac.toLowerCase()}:ip:${fields.join(',')}`;
}

function dottedMask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 255).join('.');
}

/**
 * A first-boot command (for virt-v2v builds without --mac ...:ip:) that finds the adapter by MAC and
 * sets its address with netsh, which exists on every Windows version virt-v2v converts.
 */
export function staticIpFirstbootCommand(ip: StaticIpAssignment): string {
  validateIp(ip);
  const mac = ip.mac.toUpperCase().replace(/:/g, '-');
  const v6 = isIP(ip.address) === 6;
  const prefix = ip.prefixLength ?? (v6 ? 64 : 24);
  const set = v6
    ? `netsh interface ipv6 set address \\"$n\\" ${ip.address}/${prefix}`
    : `netsh interface ip set address name=\\"$n\\" static ${ip.address} ${dottedMask(prefix)}${ip.gateway ? ` ${ip.gateway}` : ''}`;
  const dns = (ip.nameservers ?? [])
    .map((ns, i) =>
      i === 0
        ? `; netsh interface ip set dns name=\\"$n\\" static ${ns}`
        : `; netsh interface ip add dns name=\\"$n\\" ${ns} index=${i + 1}`,
    )
    .join('');
  return (
    `powershell -NoProfile -ExecutionPolicy Bypass -Command "` +
    `$n = (Get-WmiObject Win32_NetworkAdapter | Where-Object { $_.MACAddress -eq '${mac.replace(/-/g, ':')}' }).NetConnectionID; ` +
    `if ($n) { ${set}${dns} }"`
  );
}

/** argv and environment for virt-v2v-in-place on a Windows guest; refuses when drivers are not configured. */
export function buildWindowsConversion(input: WindowsConversionInput): WindowsConversionCommand {
  const virtioWin = input.virtioWin?.trim() ?? '';
  if (virtioWin === '')
    throw refuse(
      'Windows guests need the virtio-win drivers (ISO or directory), which are not part of Debian: ' +
        'configure the virtio-win path for the conversion host before migrating this VM',
      { missing: 'VIRTIO_WIN' },
    );
  const supported = input.supportedOptions;
  const staticIps = input.staticIps ?? [];
  const scripts = input.firstbootScripts ?? [];
  const commands = [...(input.firstbootCommands ?? [])];
  const extra: string[] = [];

  const useMacIp = staticIps.length > 0 && supported.has('--mac');
  if (useMacIp) for (const ip of staticIps) extra.push('--mac', macIpOption(ip));
  else commands.push(...staticIps.map(staticIpFirstbootCommand));

  const needsFirstboot = staticIps.length > 0 || scripts.length > 0 || commands.length > 0;
  const toolsDir = input.virtToolsDataDir?.trim() ?? '';
  if (needsFirstboot && toolsDir === '')
    throw refuse(
      'first-boot actions on Windows (static IPs, scripts) need rhsrvany.exe and pnp_wait.exe: ' +
        'configure the virt-tools data directory (VIRT_TOOLS_DATA_DIR)',
      { missing: 'VIRT_TOOLS_DATA_DIR' },
    );
  if (scripts.length > 0 && !supported.has('--firstboot'))
    throw refuse('this virt-v2v-in-place has no --firstboot option; first-boot scripts cannot be installed', {
      missing: '--firstboot',
    });
  if (commands.length > 0 && !supported.has('--firstboot-command'))
    throw refuse(
      'this virt-v2v-in-place has neither --mac ...:ip: nor --firstboot-command; static IPs and first-boot ' +
        'commands cannot be re-applied',
      { missing: '--firstboot-command' },
    );
  for (const script of scripts) extra.push('--firstboot', script);
  for (const command of commands) extra.push('--firstboot-command', command);

  const env: Record<string, string> = { VIRTIO_WIN: virtioWin };
  if (toolsDir !== '') env.VIRT_TOOLS_DATA_DIR = toolsDir;
  return {
    command: 'virt-v2v-in-place',
    args: virtV2vInPlaceArgs(input.disks, {
      format: input.format,
      supportedOptions: supported,
      extraArgs: extra,
    }),
    env,
  };
}
