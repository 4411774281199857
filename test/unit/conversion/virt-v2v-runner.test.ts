import { describe, expect, it } from '@jest/globals';
import {
  parseHelpOptions,
  parseMachineReadableLine,
  virtV2vInPlaceArgs,
} from '../../../src/providers/conversion/virt-v2v-runner.js';
import { readFixture } from './fixture-files.js';

describe('virt-v2v --machine-readable output', () => {
  it('parses the JSON messages, the [ t] echo and the final error of a recorded failed run', () => {
    // virt-v2v-in-place 2.2 on a disk without an OS (recorded on the lab machine).
    const lines = readFixture('v2v-in-place-no-os.stdout.txt').split('\n').filter(Boolean);
    const messages = lines.map(parseMachineReadableLine);
    expect(messages.map((m) => m?.type)).toEqual([
      'message',
      'text',
      'message',
      'text',
      'message',
      'text',
      'error',
    ]);
    expect(messages[0]).toEqual({
      type: 'message',
      text: 'Setting up the source: -i disk /tmp/h4/t.img',
      timestamp: '2026-12-02T16:58:41.619814648+00:00',
    });
    expect(messages[1]?.text).toBe('[   0.0] Setting up the source: -i disk /tmp/h4/t.img');
    expect(messages.at(-1)?.text).toMatch(
      /^inspection could not detect the source guest[\s\S]*No root device found/,
    );
  });

  it('parses a recorded successful Debian 12 conversion: messages, the Grub2 warning and info lines', () => {
    const messages = readFixture('v2v-in-place-debian12.stdout.txt')
      .split('\n')
      .map(parseMachineReadableLine)
      .filter((m) => m !== null && m.type !== 'text');
    expect(messages.map((m) => m!.type)).toEqual([
      'message',
      'message',
      'message',
      'message',
      'message',
      'warning',
      'info',
      'info',
      'message',
      'message',
      'message',
      'message',
      'message',
    ]);
    expect(messages[4]!.text).toBe('Converting 12.15 to run on KVM');
    expect(messages[5]!.text).toBe('could not determine a way to update the configuration of Grub2');
    expect(messages.at(-1)!.text).toBe('Finishing off');
  });

  it('parses progress lines as fractions and ignores blank lines', () => {
    expect(parseMachineReadableLine('25/100')).toEqual({ type: 'progress', text: '25/100', fraction: 0.25 });
    expect(parseMachineReadableLine('   ')).toBeNull();
    expect(parseMachineReadableLine('{ not json')).toEqual({ type: 'text', text: '{ not json' });
  });

  it('reads the options of the installed virt-v2v-in-place from --help', () => {
    const options = parseHelpOptions(readFixture('v2v-in-place-help-2.2.txt'));
    expect(options.has('--machine-readable')).toBe(true);
    expect(options.has('--mac')).toBe(true);
    // 2.2 has neither; the arguments must not use them.
    expect(options.has('--block-driver')).toBe(false);
    expect(options.has('--firstboot')).toBe(false);
  });

  it('builds in-place arguments, adding --block-driver only where the tool has it', () => {
    expect(virtV2vInPlaceArgs(['/v/a.raw'])).toEqual([
      '--machine-readable',
      '-i',
      'disk',
      '-if',
      'raw',
      '/v/a.raw',
    ]);
    expect(
      virtV2vInPlaceArgs(['/v/a.raw', '/v/b.raw'], {
        supportedOptions: new Set(['--block-driver']),
        extraArgs: ['--mac', 'x'],
      }),
    ).toEqual([
      '--machine-readable',
      '-i',
      'disk',
      '-if',
      'raw',
      '--block-driver',
      'virtio-blk',
      '--mac',
      'x',
      '/v/a.raw',
      '/v/b.raw',
    ]);
  });
});
