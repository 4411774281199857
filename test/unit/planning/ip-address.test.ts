import { cidrContains, parseIp } from '../../../src/services/ip-address.js';

describe('ip address checks', () => {
  it('parses IPv4 and IPv6 and refuses junk', () => {
    expect(parseIp('10.0.0.1')).toEqual({ version: 4, value: 167772161n });
    expect(parseIp('fd00::1')?.version).toBe(6);
    expect(parseIp('256.0.0.1')).toBeNull();
    expect(parseIp('1.2.3')).toBeNull();
    expect(parseIp('fd00::1::2')).toBeNull();
    expect(parseIp('hello')).toBeNull();
  });

  it('tells whether an address is inside a CIDR', () => {
    expect(cidrContains('10.10.0.0/24', '10.10.0.50')).toBe(true);
    expect(cidrContains('10.10.0.0/24', '10.10.1.50')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '192.168.1.1')).toBe(true);
    expect(cidrContains('fd00:1::/64', 'fd00:1::abcd')).toBe(true);
    expect(cidrContains('fd00:1::/64', 'fd00:2::1')).toBe(false);
    expect(cidrContains('10.0.0.0/8', 'fd00::1')).toBe(false);
    expect(cidrContains('10.0.0.0/33', '10.0.0.1')).toBe(false);
  });
});
