import { ProgressBar } from '../../../src/cli/progress-bar.js';

describe('ProgressBar.render', () => {
  it('draws the share done', () => {
    expect(ProgressBar.render(5, 10, 10, 'writing')).toBe('[#####-----] 5/10 50% writing');
    expect(ProgressBar.render(0, null, 4, 'connecting')).toBe('[....] connecting');
    expect(ProgressBar.render(20, 10, 4, 'x')).toBe('[####] 20/10 100% x');
  });
});
