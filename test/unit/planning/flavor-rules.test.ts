import { describeChoice, fitProblems, wasteOf } from '../../../src/services/flavor-matcher.js';
import { flavorRequiresGpu } from '../../../src/graph/target-writer.js';

const vm = { numCpu: 4, memoryMB: 16384, bootDiskBytes: 40 * 2 ** 30, hasGpu: false };
const flavor = {
  vcpus: 4,
  ramMB: 16384,
  diskGB: 0,
  isPublic: true,
  accessProjectIds: [],
  requiresGpu: false,
};

describe('flavor rules', () => {
  it('computes waste as normalised extra vCPU plus extra RAM', () => {
    expect(wasteOf(vm, { vcpus: 4, ramMB: 16384 })).toBe(0);
    expect(wasteOf(vm, { vcpus: 8, ramMB: 32768 })).toBe(2);
  });

  it('never allows an undersized, too-small-disk, unshared or GPU flavor', () => {
    expect(fitProblems(vm, flavor, 'p1')).toEqual([]);
    expect(fitProblems(vm, { ...flavor, vcpus: 2 }, 'p1')).toEqual(["2 vCPU < the VM's 4"]);
    expect(fitProblems(vm, { ...flavor, ramMB: 8192 }, 'p1')).toEqual(["8192 MB RAM < the VM's 16384 MB"]);
    expect(fitProblems(vm, { ...flavor, diskGB: 20 }, 'p1')).toEqual([
      'root disk 20 GB < the boot disk 40 GB',
    ]);
    expect(fitProblems(vm, { ...flavor, isPublic: false, accessProjectIds: ['p2'] }, 'p1')).toEqual([
      'private flavor not shared with the project',
    ]);
    expect(fitProblems(vm, { ...flavor, isPublic: false, accessProjectIds: ['p1'] }, 'p1')).toEqual([]);
    expect(fitProblems(vm, { ...flavor, requiresGpu: true }, 'p1')).toEqual([
      'needs a GPU the VM does not have',
    ]);
    expect(fitProblems({ ...vm, hasGpu: true }, { ...flavor, requiresGpu: true }, 'p1')).toEqual([]);
  });

  it('explains the choice in one line', () => {
    const choice = {
      id: 'c/x',
      name: 'x',
      vcpus: 4,
      ramMB: 16384,
      diskGB: 0,
      bootFromVolume: true,
      waste: 0,
    };
    expect(describeChoice(vm, choice, false)).toBe('exact fit 4 vCPU / 16384 MB; boot from volume');
    expect(
      describeChoice(
        vm,
        { ...choice, vcpus: 8, ramMB: 32768, waste: 2, diskGB: 80, bootFromVolume: false },
        false,
      ),
    ).toBe('next size up: +4 vCPU, +16384 MB RAM (waste 2.00); 80 GB root disk');
    expect(describeChoice(vm, choice, true)).toBe('explicit override; boot from volume');
  });

  it('recognises GPU flavors by their extra specs', () => {
    expect(flavorRequiresGpu({ extraSpecs: { 'resources:VGPU': '1' } })).toBe(true);
    expect(flavorRequiresGpu({ extraSpecs: { 'pci_passthrough:alias': 'a100:1' } })).toBe(true);
    expect(flavorRequiresGpu({ extraSpecs: { 'hw:cpu_policy': 'dedicated' } })).toBe(false);
  });
});
