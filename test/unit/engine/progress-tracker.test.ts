import { ProgressTracker } from '../../../src/engine/progress-tracker.js';

const MiB = 1024 * 1024;

describe('ProgressTracker', () => {
  it('has no rate or ETA before any sample', () => {
    const t = new ProgressTracker(100 * MiB);
    expect(t.rate()).toBeNull();
    expect(t.eta()).toBeNull();
  });

  it('has no rate from a single sample, nor from samples under 200 ms apart', () => {
    const t = new ProgressTracker(100 * MiB);
    t.record(1000, 0);
    expect(t.rate()).toBeNull();
    expect(t.eta()).toBeNull();
    t.record(1199, 10 * MiB);
    expect(t.rate()).toBeNull();
    expect(t.eta()).toBeNull();
    t.record(1200, 10 * MiB);
    expect(t.rate()).toBe(50 * MiB);
  });

  it('computes the rate between the oldest and newest sample and the ETA from it', () => {
    const t = new ProgressTracker(100 * MiB);
    t.record(0, 0);
    t.record(1000, 10 * MiB);
    t.record(2000, 20 * MiB);
    expect(t.rate()).toBe(10 * MiB);
    expect(t.eta()).toBe(8);
  });

  it('drops samples older than the window, keeping at least two', () => {
    const t = new ProgressTracker(1000, 10_000);
    t.record(0, 0); // slow start: 100 B over the first 10 s
    t.record(10_000, 100);
    t.record(15_000, 600);
    // 15_000 - 0 > 10_000: the first sample is dropped → (600 - 100) over 5 s
    expect(t.rate()).toBe(100);
    expect(t.eta()).toBe(4);
    t.record(40_000, 700);
    // Both older samples are beyond the window, but two are always kept: (700 - 600) over 25 s
    expect(t.rate()).toBe(4);
    expect(t.eta()).toBe(75);
  });

  it('honours a custom window', () => {
    const t = new ProgressTracker(1000, 1000);
    t.record(0, 0);
    t.record(500, 500);
    t.record(1500, 600);
    expect(t.rate()).toBe(100);
  });

  it('resets the window when the bytes go backwards (a resume)', () => {
    const t = new ProgressTracker(100);
    t.record(0, 0);
    t.record(1000, 50);
    expect(t.rate()).toBe(50);
    t.record(2000, 20);
    expect(t.rate()).toBeNull();
    expect(t.eta()).toBeNull();
    t.record(3000, 30);
    expect(t.rate()).toBe(10);
    expect(t.eta()).toBe(7);
  });

  it('an equal byte count is not a reset', () => {
    const t = new ProgressTracker(100);
    t.record(0, 10);
    t.record(1000, 10);
    expect(t.rate()).toBe(0);
    expect(t.eta()).toBeNull();
  });

  it('reports an ETA of 0 once done, even without a rate', () => {
    const t = new ProgressTracker(100);
    t.record(0, 100);
    expect(t.rate()).toBeNull();
    expect(t.eta()).toBe(0);
    const over = new ProgressTracker(100);
    over.record(0, 150);
    expect(over.eta()).toBe(0);
  });

  it('uses a total changed by setTotal', () => {
    const t = new ProgressTracker(0);
    t.record(0, 0);
    t.record(1000, 10);
    expect(t.eta()).toBe(0);
    t.setTotal(110);
    expect(t.eta()).toBe(10);
  });
});
