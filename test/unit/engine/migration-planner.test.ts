import { openstackIdOf, splitDatastorePath } from '../../../src/engine/migration-planner.js';
import { ErrorCode } from '../../../src/errors/index.js';
import { refusal } from '../support/refusal.js';

describe('splitDatastorePath', () => {
  it('splits "[datastore] dir/file.vmdk"', () => {
    expect(splitDatastorePath('[datastore1] vm1/vm1.vmdk')).toEqual({
      datastore: 'datastore1',
      path: 'vm1/vm1.vmdk',
    });
  });

  it('keeps spaces inside the datastore name and the path, and tolerates no space after "]"', () => {
    expect(splitDatastorePath('[LUN 01] my vm/my vm_1.vmdk')).toEqual({
      datastore: 'LUN 01',
      path: 'my vm/my vm_1.vmdk',
    });
    expect(splitDatastorePath('[ds]vm/vm.vmdk')).toEqual({ datastore: 'ds', path: 'vm/vm.vmdk' });
  });

  it.each(['vm1/vm1.vmdk', '', '[] vm/vm.vmdk', '[ds]', ' [ds] vm.vmdk', 'ds] vm.vmdk'])(
    'refuses %p with BAD_INPUT',
    (fileName) => {
      const error = refusal(() => splitDatastorePath(fileName));
      expect(error.code).toBe(ErrorCode.BAD_INPUT);
      expect(error.message).toBe(`"${fileName}" is not a datastore path`);
    },
  );
});

describe('openstackIdOf', () => {
  it('strips the "<cloud>/" prefix of a twin id', () => {
    expect(openstackIdOf('devstack/8b0c-11aa', 'devstack')).toBe('8b0c-11aa');
  });

  it('leaves ids of another cloud and bare ids alone', () => {
    expect(openstackIdOf('other/8b0c', 'devstack')).toBe('other/8b0c');
    expect(openstackIdOf('devstack2/8b0c', 'devstack')).toBe('devstack2/8b0c');
    expect(openstackIdOf('8b0c', 'devstack')).toBe('8b0c');
  });

  it('strips only the first prefix', () => {
    expect(openstackIdOf('devstack/devstack/x', 'devstack')).toBe('devstack/x');
  });
});
