// Address arithmetic for pre-flight checks (IPv4 and IPv6), without dependencies.

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split('::').length > 2) return null;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  if ((tail === null && missing !== 0) || missing < 0) return null;
  const groups = [...headParts, ...Array(tail === null ? 0 : missing).fill('0'), ...tailParts];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

export function parseIp(text: string): { version: 4 | 6; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === null ? null : { version: 6, value: v6 };
}

/** Whether `ip` lies inside `cidr` ("10.0.0.0/24", "fd00::/64"); false for malformed input or mixed versions. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const network = parseIp(base ?? '');
  const address = parseIp(ip);
  if (!network || !address || network.version !== address.version) return false;
  const width = network.version === 4 ? 32 : 128;
  const bits = Number(bitsText ?? width);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return network.value >> shift === address.value >> shift;
}
