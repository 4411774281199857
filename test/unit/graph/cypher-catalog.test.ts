import {
  cypher,
  extractParameters,
  listCypherNames,
  splitStatements,
} from '../../../src/graph/cypher-catalog.js';
import { FfoError } from '../../../src/errors/index.js';

describe('cypher catalogue', () => {
  it('extracts parameters but not $ inside strings or comments', () => {
    expect(
      extractParameters("// uses $ignored\nMATCH (n {id: $id}) WHERE n.x = '$no' RETURN $b, $id"),
    ).toEqual(['b', 'id']);
  });

  it('splits a multi-statement file on line-ending semicolons', () => {
    expect(splitStatements('// c\nCREATE A;\nCREATE B\n  X;\n\n')).toEqual(['CREATE A', 'CREATE B\n  X']);
  });

  it('loads statements by name and refuses unknown names', () => {
    expect(listCypherNames()).toContain('discovery-upsert-vms');
    expect(cypher('vcenter-by-name').parameters).toEqual(['name']);
    expect(() => cypher('no-such-statement')).toThrow(FfoError);
  });
});
