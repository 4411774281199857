import {
  ExternalCommandError,
  LineSplitter,
  parentDeathArgv,
  redactArgs,
  redactText,
} from '../../../src/providers/disk/command-runner.js';

function split(chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('splits at \\n, \\r\\n and \\r, also across chunk borders', () => {
    expect(split(['a\nb', 'c\r\nd\r', '\ne'])).toEqual(['a', 'bc', 'd', 'e']);
    expect(split(['    (0.00/100%)\r    (3.12/', '100%)\r'])).toEqual(['    (0.00/100%)', '    (3.12/100%)']);
  });

  it('drops empty lines and flushes a last line without newline', () => {
    expect(split(['\n\n1/100\n\n', '2/100'])).toEqual(['1/100', '2/100']);
  });
});

describe('redaction', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redactText('cookie=abc; again abc', ['abc'])).toBe('cookie=***; again ***');
    expect(redactArgs(['password=s3cret', 'user=u'], ['s3cret'])).toEqual(['password=***', 'user=u']);
    expect(redactText('nothing', [''])).toBe('nothing');
  });
});

describe('parentDeathArgv', () => {
  it('wraps the program so the kernel kills it when we die', () => {
    expect(parentDeathArgv('/usr/bin/nbdcopy', ['-S', '0'])).toEqual({
      file: 'setpriv',
      args: ['--pdeathsig', 'KILL', '--', '/usr/bin/nbdcopy', '-S', '0'],
    });
  });
});

describe('ExternalCommandError', () => {
  it('carries the stable code and the details', () => {
    const error = new ExternalCommandError('x failed', {
      command: 'x',
      args: ['a'],
      exitCode: 2,
      signal: null,
      stderrTail: 'boom',
      durationMs: 5,
      timedOut: false,
    });
    expect(error.code).toBe('EXTERNAL_COMMAND_FAILED');
    expect(error.name).toBe('ExternalCommandError');
    expect(error.details.exitCode).toBe(2);
    expect(error.retryable).toBe(false);
  });
});
