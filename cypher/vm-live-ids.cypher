// Ids of every VM that still exists in the source (templates included: readiness reports them).
MATCH (vm:VM)
WHERE vm.removedAt IS NULL
RETURN vm.id AS id
ORDER BY vm.name
