import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, FfoError } from '../errors/index.js';
import { type Role, satisfies } from './roles.js';

/**
 * Who may run which root field. Reads need `analyst`; mutations that change migration planning need `agent`;
 * anything not listed needs `admin`, so a new mutation is closed until someone decides who may run it.
 */
export const MUTATION_ROLES: Record<string, Role> = {
  discoverSource: 'agent',
  addDependency: 'agent',
  removeDependency: 'agent',
  importDependencies: 'agent',
  discoverTarget: 'agent',
  setFlavorOverride: 'agent',
  clearFlavorOverride: 'agent',
  mapPortGroup: 'agent',
  mapDatastore: 'agent',
  setDefaultVolumeType: 'agent',
  planNicAddress: 'agent',
  autoCreateFlavor: 'agent',
  confirmNetworkMappingProposals: 'agent',
  startMigration: 'agent',
  cutover: 'agent',
  syncMigration: 'agent',
  cancelMigration: 'agent',
  retryMigration: 'agent',
  rollbackMigration: 'agent',
  planWaves: 'agent',
  startFleet: 'agent',
  pauseFleet: 'agent',
  resumeFleet: 'agent',
  cancelFleet: 'agent',
};

export function requiredRole(operation: 'query' | 'mutation' | 'subscription', field: string): Role {
  if (operation === 'query' || operation === 'subscription') return 'analyst';
  return MUTATION_ROLES[field] ?? 'admin';
}

/** Throws FORBIDDEN before execution when any root field of the chosen operation is beyond the caller's roles. */
export function assertOperationAllowed(
  document: DocumentNode,
  operationName: string | null | undefined,
  roles: readonly string[],
): void {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  for (const field of rootFields(operation.selectionSet, fragments, new Set())) {
    if (field.startsWith('__')) continue;
    const role = requiredRole(operation.operation, field);
    if (!satisfies(roles, role)) {
      throw new FfoError(ErrorCode.FORBIDDEN, `${operation.operation} ${field} needs the role ${role}`, {
        details: { field, requiredRole: role },
      });
    }
  }
}

/** Root field names, looking through inline fragments and fragment spreads so neither can hide a field. */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  visited: Set<string>,
): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      names.push(...rootFields(selection.selectionSet, fragments, visited));
    else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) names.push(...rootFields(fragment.selectionSet, fragments, visited));
    }
  }
  return names;
}
