import { ACTIVE_STATUSES, emptyCheckpoints, phasesFor } from '../../../src/engine/migration-types.js';

describe('phasesFor', () => {
  it('cold over NBD: shut down, then one full copy', () => {
    expect(phasesFor('cold', 'nbd')).toEqual([
      'validate',
      'prepare',
      'shutdown',
      'copy',
      'convert',
      'launch',
      'verify',
    ]);
  });

  it('warm over NBD: CBT, pre-copy, deltas, then cutover', () => {
    expect(phasesFor('warm', 'nbd')).toEqual([
      'validate',
      'enable_cbt',
      'prepare',
      'precopy',
      'delta',
      'cutover',
      'convert',
      'launch',
      'verify',
    ]);
  });

  it('cold over HTTP: download, convert and import through Glance', () => {
    expect(phasesFor('cold', 'http')).toEqual([
      'validate',
      'prepare',
      'shutdown',
      'download',
      'convert',
      'import',
      'launch',
      'verify',
    ]);
  });

  it('returns a fresh array every call (callers may freeze it into a plan)', () => {
    const a = phasesFor('cold', 'nbd');
    a.push('verify');
    expect(phasesFor('cold', 'nbd')).toHaveLength(7);
  });
});

describe('migration-types constants', () => {
  it('lists the statuses that still own a VM', () => {
    expect(ACTIVE_STATUSES).toEqual(['queued', 'running', 'rolling_back']);
  });

  it('starts with empty, independent checkpoints', () => {
    const a = emptyCheckpoints();
    expect(a).toEqual({
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
    a.completedPhases.push('validate');
    expect(emptyCheckpoints().completedPhases).toEqual([]);
  });
});
