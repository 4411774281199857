import { nameSimilarity, proposeFor } from '../../../src/services/network-mapper.js';

const net = (id: string, name: string, segmentationId: number | null) => ({
  id,
  name,
  segmentationId,
  external: false,
  shared: false,
  subnets: [{ id: `${id}-s`, name: null, cidr: '10.0.0.0/24' }],
});
const pg = (name: string, vlanId: number | null) => ({
  id: `pg/${name}`,
  name,
  kind: 'distributed',
  vlanId,
  vmNames: ['a'],
  mappedNetworkId: null,
  mappedNetworkName: null,
  subnetId: null,
});

describe('network mapping proposals', () => {
  it('compares names by their meaningful tokens', () => {
    expect(nameSimilarity('pg-app', 'net-app')).toBe(1);
    expect(nameSimilarity('VLAN20-Legacy', 'legacy')).toBe(0.5);
    expect(nameSimilarity('VM Network', 'net-app')).toBe(0);
  });

  it('ranks the same VLAN above name similarity and drops weak guesses', () => {
    const proposals = proposeFor(pg('pg-db', 200), [
      net('n1', 'net-app', 100),
      net('n2', 'backend', 200),
      net('n3', 'net-db', 300),
    ]);
    expect(proposals.map((p) => [p.networkName, p.score])).toEqual([
      ['backend', 0.6],
      ['net-db', 0.4],
    ]);
    expect(proposals[0]!.subnetId).toBe('n2-s');
    expect(proposeFor(pg('VM Network', 0), [net('n1', 'net-app', 0)])).toEqual([]);
  });
});
