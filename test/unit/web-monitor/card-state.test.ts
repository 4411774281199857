import { cardState, phaseText, sourceRunning } from '../../../web/src/card-state.js';

const warm = { mode: 'warm', status: 'running', cutoverRequestedAt: null };

describe('migration card state', () => {
  it('keeps a warm migration green while its source runs, through pre-copy and delta rounds', () => {
    for (const phase of ['validate', 'enable_cbt', 'prepare', 'precopy', 'delta'])
      expect(cardState(warm, phase)).toBe('running');
    expect(phaseText('precopy', null)).toBe('Pre-copying disks…');
    expect(phaseText('delta', 3)).toBe('Delta round 3… (source still running)');
  });

  it('turns amber once cutover is requested and stays amber until the target is active', () => {
    expect(cardState({ ...warm, cutoverRequestedAt: '2026-01-01T00:00:00Z' }, 'delta')).toBe('cutover');
    for (const phase of ['cutover', 'convert', 'launch', 'verify'])
      expect(cardState(warm, phase)).toBe('cutover');
    expect(cardState({ ...warm, status: 'completed' }, 'completed')).toBe('active');
  });

  it('shows a cold migration as running until its source is shut down, then amber for the shutdown', () => {
    const cold = { mode: 'cold', status: 'running', cutoverRequestedAt: null };
    expect(cardState(cold, 'validate')).toBe('running');
    expect(cardState(cold, 'shutdown')).toBe('cutover');
    expect(cardState(cold, 'copy')).toBe('running');
    expect(sourceRunning(cold, 'validate')).toBe(true);
    expect(sourceRunning(cold, 'copy')).toBe(false);
    expect(sourceRunning(warm, 'delta')).toBe(true);
    expect(sourceRunning({ ...warm, cutoverRequestedAt: 'now' }, 'delta')).toBe(false);
  });

  it('is red on failure, and says when a run was rolled back or is rolling back', () => {
    expect(cardState({ ...warm, status: 'failed' }, 'precopy')).toBe('failed');
    expect(cardState({ ...warm, status: 'rolling_back' }, 'rollback')).toBe('rolling-back');
    expect(cardState({ ...warm, status: 'rolled_back' }, 'rolled_back')).toBe('ended');
    expect(cardState({ ...warm, status: 'queued' }, 'queued')).toBe('queued');
  });
});
