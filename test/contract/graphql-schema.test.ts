import { type GraphQLField, type GraphQLObjectType, type GraphQLSchema, printType } from 'graphql';
import { buildSchema } from '../../src/api/schema-builder.js';

// The public API surface, pinned: root fields with arguments and the custom result types in full. A change
// here is a change to what clients see, so it must show up in review as a snapshot diff.
const signature = (field: GraphQLField<unknown, unknown>): string =>
  `${field.name}(${field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ')}): ${String(field.type)}`;

const rootFields = (type: GraphQLObjectType | null | undefined): string[] =>
  Object.values(type?.getFields() ?? {})
    .map(signature)
    .sort();

describe('GraphQL schema contract', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildSchema();
  });

  it('exposes the expected root operations', () => {
    expect({
      query: rootFields(schema.getQueryType()),
      mutation: rootFields(schema.getMutationType()),
      subscription: rootFields(schema.getSubscriptionType()),
    }).toMatchSnapshot();
  });

  it('keeps the custom result types and the twin node types stable', () => {
    const names = [
      'ClosureDirection',
      'ClosureVm',
      'ClosureEdge',
      'DependencyClosure',
      'CountByKey',
      'EstateSummary',
      'DiscoveryJob',
      'DiscoveryProgress',
      'DependencyEdge',
      'DependencyImportResult',
      'VCenter',
      'Datacenter',
      'Cluster',
      'Host',
      'Datastore',
      'PortGroup',
      'VM',
      'Disk',
      'Nic',
      'DependsOn',
      'DiscoveryRun',
      'Migration',
      'MigrationEvent',
    ];
    expect(names.map((name) => printType(schema.getType(name)!)).join('\n\n')).toMatchSnapshot();
  });

  it('generates no create/update/delete mutations for the twin', () => {
    const generated = Object.keys(schema.getMutationType()!.getFields()).filter((f) =>
      /^(create|update|delete)/.test(f),
    );
    expect(generated).toEqual([]);
  });

  it('never exposes a password or secret field', () => {
    const leaks = Object.values(schema.getTypeMap())
      .filter((t) => !t.name.startsWith('__') && 'getFields' in t)
      .flatMap((t) => Object.keys((t as GraphQLObjectType).getFields()).map((f) => `${t.name}.${f}`))
      .filter((f) => /password|secret|token/i.test(f));
    expect(leaks).toEqual([]);
  });
});
