import { describeProgress } from '../../../src/cli/migration-commands.js';
import type { MigrationProgress } from '../../../src/engine/migration-events.js';

const MiB = 1024 * 1024;

const progress = (overrides: Partial<MigrationProgress>): MigrationProgress => ({
  migrationId: 'mig-describe-1',
  status: 'running',
  phase: 'copy',
  round: null,
  disks: [],
  bytesDone: 0,
  bytesTotal: 0,
  rateBytesPerSecond: null,
  etaSeconds: null,
  at: '2030-06-01T12:00:00.000Z',
  done: false,
  ...overrides,
});

describe('describeProgress', () => {
  it('shows phase, round, MiB done/total, percent, rate and ETA', () => {
    expect(
      describeProgress(
        progress({
          phase: 'precopy',
          round: 0,
          bytesDone: 120 * MiB,
          bytesTotal: 512 * MiB,
          rateBytesPerSecond: 85.3 * MiB,
          etaSeconds: 4.6,
        }),
      ),
    ).toBe('precopy round 0: 120.0/512.0 MiB 23% 85.3 MiB/s ETA 5 s');
  });

  it('leaves out an unknown round, rate and ETA', () => {
    expect(describeProgress(progress({ bytesDone: 1.25 * MiB, bytesTotal: 10 * MiB }))).toBe(
      'copy: 1.3/10.0 MiB 12%',
    );
  });

  it('leaves out an ETA of 0 but keeps a rate of 0', () => {
    expect(
      describeProgress(
        progress({
          phase: 'delta',
          round: 3,
          bytesDone: 10 * MiB,
          bytesTotal: 10 * MiB,
          rateBytesPerSecond: 0,
          etaSeconds: 0,
        }),
      ),
    ).toBe('delta round 3: 10.0/10.0 MiB 100% 0.0 MiB/s');
  });

  it('rounds the percent down (never 100% before the end) and the ETA up', () => {
    expect(
      describeProgress(
        progress({ bytesDone: 999, bytesTotal: 1000, rateBytesPerSecond: 512 * 1024, etaSeconds: 0.01 }),
      ),
    ).toBe('copy: 0.0/0.0 MiB 99% 0.5 MiB/s ETA 1 s');
  });

  it('shows 0% when the total is not known yet', () => {
    expect(describeProgress(progress({ phase: 'validate', bytesDone: 0, bytesTotal: 0 }))).toBe(
      'validate: 0.0/0.0 MiB 0%',
    );
  });
});
