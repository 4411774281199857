import { ErrorCode, FfoError } from '../../../src/errors/index.js';
import { emptyCheckpoints, type MigrationRecord } from '../../../src/engine/migration-types.js';
import type { FleetProgress } from '../../../src/fleet/fleet-progress.js';
import { describeFleetProgress, fleetAtRest } from '../../../src/mcp/fleet-follower.js';
import { stablePointOf } from '../../../src/mcp/migration-follower.js';
import { REDACTED, redact } from '../../../src/observability/redaction.js';
import { toolError, toolSuccess } from '../../../src/mcp/tool-result.js';

describe('secret redaction of tool output', () => {
  it('replaces secret-named values at any depth and keeps the rest', () => {
    const out = redact({
      server: { id: 's1', adminPass: 'hunter2', metadata: { ffo_migration: 'm1' } },
      vcenters: [{ name: 'lab', passwordEnv: 'FFO_VCENTER_PASSWORD', password: 'pw' }],
      auth: { token: 'eyJ...', apiKey: 'k', Authorization: 'Bearer x', clientSecret: 's' },
      when: new Date('2026-01-01T00:00:00Z'),
    });
    expect(out).toEqual({
      server: { id: 's1', adminPass: REDACTED, metadata: { ffo_migration: 'm1' } },
      vcenters: [{ name: 'lab', passwordEnv: 'FFO_VCENTER_PASSWORD', password: REDACTED }],
      auth: { token: REDACTED, apiKey: REDACTED, Authorization: REDACTED, clientSecret: REDACTED },
      when: '2026-01-01T00:00:00.000Z',
    });
  });

  it('keeps an object that appears twice and cuts a real cycle', () => {
    const flavor = { name: 'm1.small', vcpus: 1 };
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(redact({ a: flavor, b: [flavor], loop, tokenExpiresAt: 't' }, 32)).toEqual({
      a: flavor,
      b: [flavor],
      loop: { name: 'loop', self: '[cycle]' },
      tokenExpiresAt: 't',
    });
  });

  it('redacts successes and error details alike', () => {
    const ok = toolSuccess([{ password: 'pw', name: 'a' }]);
    expect(ok.structuredContent).toEqual({ result: [{ password: REDACTED, name: 'a' }] });
    expect((ok.content[0] as { text: string }).text).not.toContain('pw"');
    const failed = toolError(
      new FfoError(ErrorCode.MIGRATION_BLOCKED, 'vm1 has blockers', {
        details: { concerns: [{ code: 'NETWORK_UNMAPPED' }], token: 't0ken' },
      }),
    );
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toEqual({
      error: {
        code: 'MIGRATION_BLOCKED',
        message: 'vm1 has blockers',
        retryable: false,
        details: { concerns: [{ code: 'NETWORK_UNMAPPED' }], token: REDACTED },
      },
    });
    expect((failed.content[0] as { text: string }).text).toMatch(/^MIGRATION_BLOCKED: vm1 has blockers/);
    expect(JSON.stringify(failed)).not.toContain('t0ken');
  });

  it('turns an unexpected error into INTERNAL', () => {
    expect((toolError(new Error('boom')).structuredContent as { error: { code: string } }).error.code).toBe(
      'INTERNAL',
    );
  });
});

describe('stable points of a followed migration', () => {
  const record = (over: Partial<MigrationRecord>, cutover = 'manual'): MigrationRecord =>
    ({
      id: 'm1',
      vmId: 'vc/vm-1',
      vmName: 'vm1',
      mode: 'warm',
      status: 'running',
      phase: 'delta',
      plan: { options: { cutover } },
      checkpoints: emptyCheckpoints(),
      cutoverRequestedAt: null,
      cancelRequestedAt: null,
      cutoverAt: null,
      attempts: 0,
      errorCode: null,
      errorMessage: null,
      ...over,
    }) as unknown as MigrationRecord;
  const afterDelta = {
    ...emptyCheckpoints(),
    deltaHistory: [{ round: 1, bytesCopied: 0, bytesChanged: 0, seconds: 1 }],
  };

  it('waits for cutover only between delta rounds of a manual warm migration', () => {
    expect(stablePointOf(record({ checkpoints: afterDelta }))).toBe('waiting_for_cutover');
    expect(stablePointOf(record({}))).toBeNull(); // the first delta round has not finished
    expect(stablePointOf(record({ phase: 'precopy', checkpoints: afterDelta }))).toBeNull();
    expect(
      stablePointOf(
        record({
          checkpoints: {
            ...afterDelta,
            round: { number: 2, kind: 'delta', snapshotName: 's', snapshotMoid: null },
          },
        }),
      ),
    ).toBeNull();
    expect(
      stablePointOf(record({ checkpoints: afterDelta, cutoverRequestedAt: '2026-01-01T00:00:00Z' })),
    ).toBeNull();
    expect(stablePointOf(record({ checkpoints: afterDelta }, 'auto'))).toBeNull();
    expect(stablePointOf(record({ mode: 'cold', phase: 'copy' }))).toBeNull();
  });

  it('has ended with a final status', () => {
    for (const status of ['completed', 'failed', 'cancelled', 'rolled_back'] as const) {
      expect(stablePointOf(record({ status }))).toBe(status);
    }
    expect(stablePointOf(record({ status: 'rolling_back' }))).toBeNull();
  });
});

describe('fleet progress as notifications', () => {
  const progress = (over: Partial<FleetProgress>): FleetProgress => ({
    fleetId: 'fleet-1',
    name: 'shop',
    status: 'running',
    statusReason: null,
    currentWave: 2,
    waveCount: 3,
    vms: 7,
    byState: [
      { key: 'completed', count: 4 },
      { key: 'running', count: 2 },
    ],
    byPhase: [],
    bytesDone: 120 * 1024 * 1024,
    bytesTotal: 512 * 1024 * 1024,
    rateBytesPerSecond: null,
    etaSeconds: 39.2,
    waves: [],
    held: [],
    blocked: [],
    at: '2026-01-01T00:00:00Z',
    done: false,
    ...over,
  });

  it('says where the fleet is and rests once done or paused', () => {
    expect(describeFleetProgress(progress({}))).toBe(
      'running wave 2/3: 4/7 VMs done, 120.0/512.0 MiB, ETA 40 s',
    );
    expect(fleetAtRest(progress({}))).toBe(false);
    expect(fleetAtRest(progress({ status: 'paused' }))).toBe(true);
    expect(fleetAtRest(progress({ status: 'completed', done: true }))).toBe(true);
  });
});
