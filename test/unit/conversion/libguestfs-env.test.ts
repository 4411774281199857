import { describe, expect, it } from '@jest/globals';
import {
  debianFirstPath,
  decideLibguestfsEnvironment,
} from '../../../src/providers/conversion/libguestfs-env.js';
import { readFixture } from './fixture-files.js';

// Recorded on the lab machine: /dev/kvm exists, but the CPU flags have no vmx/svm (nested KVM hangs).
const labCpuinfo = readFixture('cpuinfo-no-vmx.txt');
const vmxCpuinfo = labCpuinfo.replace(/^(flags\s*:)/m, '$1 vmx');

describe('libguestfs acceleration detection', () => {
  it('forces TCG on the lab machine although /dev/kvm can be opened', () => {
    expect(labCpuinfo).toMatch(/^flags\s*:/m);
    const decided = decideLibguestfsEnvironment({ cpuinfo: labCpuinfo, kvmOpenable: true, path: '/usr/bin' });
    expect(decided.accel).toBe('tcg');
    expect(decided.reason).toMatch(/no vmx\/svm/);
    expect(decided.env).toMatchObject({
      LIBGUESTFS_BACKEND: 'direct',
      LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg',
    });
  });

  it('uses KVM when the CPU has vmx or svm and /dev/kvm opens', () => {
    const decided = decideLibguestfsEnvironment({ cpuinfo: vmxCpuinfo, kvmOpenable: true });
    expect(decided.accel).toBe('kvm');
    expect(decided.env.LIBGUESTFS_BACKEND_SETTINGS).toBeUndefined();
    expect(
      decideLibguestfsEnvironment({ cpuinfo: vmxCpuinfo.replace(' vmx', ' svm'), kvmOpenable: true }).accel,
    ).toBe('kvm');
  });

  it('falls back to TCG when /dev/kvm is missing or not openable', () => {
    const decided = decideLibguestfsEnvironment({ cpuinfo: vmxCpuinfo, kvmOpenable: false });
    expect(decided.accel).toBe('tcg');
    expect(decided.reason).toMatch(/\/dev\/kvm/);
  });

  it('lets FFO_LIBGUESTFS_FORCE_TCG override detection both ways', () => {
    expect(decideLibguestfsEnvironment({ cpuinfo: vmxCpuinfo, kvmOpenable: true, forceTcg: '1' }).accel).toBe(
      'tcg',
    );
    const kvm = decideLibguestfsEnvironment({ cpuinfo: labCpuinfo, kvmOpenable: false, forceTcg: '0' });
    expect(kvm.accel).toBe('kvm');
    expect(kvm.reason).toBe('FFO_LIBGUESTFS_FORCE_TCG=0');
  });

  it("keeps an operator's LIBGUESTFS_BACKEND", () => {
    expect(
      decideLibguestfsEnvironment({ cpuinfo: vmxCpuinfo, kvmOpenable: true, backend: 'libvirt' }).env
        .LIBGUESTFS_BACKEND,
    ).toBe('libvirt');
  });

  it('puts Debian binaries before pyenv shims without duplicating entries', () => {
    expect(debianFirstPath('/root/.pyenv/shims:/usr/local/bin:/usr/bin:/bin')).toBe(
      '/usr/sbin:/usr/bin:/sbin:/bin:/root/.pyenv/shims:/usr/local/bin',
    );
    expect(debianFirstPath(undefined)).toBe('/usr/sbin:/usr/bin:/sbin:/bin');
  });
});
