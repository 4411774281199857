import { parse } from 'graphql';
import { assertOperationAllowed, requiredRole } from '../../../src/auth/operation-policy.js';
import { highestRole, satisfies } from '../../../src/auth/roles.js';
import type { FfoError } from '../../../src/errors/index.js';
import { ErrorCode } from '../../../src/errors/index.js';

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as FfoError).code;
  }
};

describe('roles', () => {
  it('orders analyst < agent < admin', () => {
    expect(highestRole(['analyst', 'admin'])).toBe('admin');
    expect(highestRole(['nobody'])).toBeNull();
    expect(satisfies(['agent'], 'analyst')).toBe(true);
    expect(satisfies(['agent'], 'admin')).toBe(false);
  });
});

describe('operation policy', () => {
  it('lets analysts read and subscribe but not mutate', () => {
    expect(codeOf(() => assertOperationAllowed(parse('{ vms { name } }'), null, ['analyst']))).toBeNull();
    expect(
      codeOf(() =>
        assertOperationAllowed(parse('subscription { discoveryProgress(runId: "x") { phase } }'), null, [
          'analyst',
        ]),
      ),
    ).toBeNull();
    expect(
      codeOf(() =>
        assertOperationAllowed(parse('mutation { addDependency(from: "a", to: "b") { from } }'), null, [
          'analyst',
        ]),
      ),
    ).toBe(ErrorCode.FORBIDDEN);
  });

  it('lets agents run migration mutations; unknown mutations need admin', () => {
    expect(requiredRole('mutation', 'importDependencies')).toBe('agent');
    expect(requiredRole('mutation', 'somethingNew')).toBe('admin');
    const doc = parse('mutation { somethingNew }');
    expect(codeOf(() => assertOperationAllowed(doc, null, ['agent']))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => assertOperationAllowed(doc, null, ['admin']))).toBeNull();
  });

  it('sees through fragments and picks the named operation', () => {
    const doc = parse(`
      query Q { vms { name } }
      mutation M { ...F }
      fragment F on Mutation { ... on Mutation { removeDependency(from: "a", to: "b") } }
    `);
    expect(codeOf(() => assertOperationAllowed(doc, 'Q', ['analyst']))).toBeNull();
    expect(codeOf(() => assertOperationAllowed(doc, 'M', ['analyst']))).toBe(ErrorCode.FORBIDDEN);
    expect(codeOf(() => assertOperationAllowed(doc, 'M', ['agent']))).toBeNull();
  });
});
