// What the twin already knows of one vCenter's VMs: read once per discovery so that unchanged VMs are not
// written at all (the fingerprint is a hash of everything discovery knows about the VM, devices included).
MATCH (vm:VM {vcenterId: $vcenterId})
RETURN vm.id AS id, vm.fingerprint AS fingerprint, vm.removedAt IS NOT NULL AS removed
