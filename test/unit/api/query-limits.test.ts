import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { queryLimitsRule } from '../../../src/api/query-limits.js';

const schema = buildSchema(`
  type VM { name: String, host: Host }
  type Host { name: String, vms: [VM] }
  type Query { vms: [VM] }
`);

const check = (query: string, depth: number, fields: number) =>
  validate(schema, parse(query), [...specifiedRules, queryLimitsRule(depth, fields)]).map(
    (e) => e.extensions?.code,
  );

describe('query limits', () => {
  it('allows queries within depth and size', () => {
    expect(check('{ vms { name host { name } } }', 3, 10)).toEqual([]);
  });
  it('refuses deep nesting, also through fragments', () => {
    expect(check('{ vms { host { vms { host { name } } } } }', 4, 100)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(check('{ vms { ...F } } fragment F on VM { host { vms { host { name } } } }', 4, 100)).toEqual([
      'QUERY_TOO_COMPLEX',
    ]);
  });
  it('refuses too many fields', () => {
    expect(check('{ vms { name host { name } } }', 10, 3)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});
