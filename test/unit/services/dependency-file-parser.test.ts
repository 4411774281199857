import { parseCsvLine, parseDependencyFile } from '../../../src/services/dependency-file-parser.js';

describe('parseCsvLine', () => {
  it('splits plain and quoted fields', () => {
    expect(parseCsvLine('a, b ,"c, d","say ""hi"""')).toEqual(['a', 'b', 'c, d', 'say "hi"']);
  });
  it('returns null for an unterminated quote', () => {
    expect(parseCsvLine('a,"b')).toBeNull();
  });
});

describe('parseDependencyFile (CSV)', () => {
  it('reads rows with optional reason and confidence', () => {
    const { rows, problems } = parseDependencyFile(
      'from,to,reason,confidence\napp-01,db-01,"SQL, port 5432",0.9\nweb-01,app-01,,\n',
      'csv',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, from: 'app-01', to: 'db-01', reason: 'SQL, port 5432', confidence: 0.9 },
      { line: 3, from: 'web-01', to: 'app-01', reason: null, confidence: 1 },
    ]);
  });

  it('reports every bad row, not just the first', () => {
    const { rows, problems } = parseDependencyFile(
      'from,to,confidence\na,b,2\n,b,\nc,c,\nd,e\n"x,y,0.5\nok1,ok2,0.1\n',
      'csv',
    );
    expect(rows.map((r) => r.from)).toEqual(['ok1']);
    expect(problems).toEqual([
      { line: 2, message: 'confidence must be a number from 0 to 1, got "2"' },
      { line: 3, message: '"from" is missing' },
      { line: 4, message: 'a VM cannot depend on itself ("c")' },
      { line: 5, message: 'expected 3 fields, got 2' },
      { line: 6, message: 'unterminated quoted field' },
    ]);
  });

  it('refuses a file without from/to header', () => {
    expect(parseDependencyFile('a,b\nx,y\n', 'csv').problems[0]!.message).toMatch(/header/);
  });
});

describe('parseDependencyFile (JSON)', () => {
  it('accepts an array or {dependencies: [...]}', () => {
    const a = parseDependencyFile('[{"from":"a","to":"b","confidence":0.5}]', 'json');
    const b = parseDependencyFile('{"dependencies":[{"from":"a","to":"b","reason":"r"}]}', 'json');
    expect(a.rows[0]).toEqual({ line: 1, from: 'a', to: 'b', reason: null, confidence: 0.5 });
    expect(b.rows[0]).toEqual({ line: 1, from: 'a', to: 'b', reason: 'r', confidence: 1 });
  });

  it('reports malformed JSON and malformed elements', () => {
    expect(parseDependencyFile('[{', 'json').problems[0]!.message).toMatch(/not valid JSON/);
    expect(parseDependencyFile('{"x":1}', 'json').problems[0]!.message).toMatch(/expected an array/);
    const { problems } = parseDependencyFile(
      '[1, {"from":"a"}, {"from":"a","to":"b","confidence":"x"}]',
      'json',
    );
    expect(problems).toEqual([
      { line: 1, message: 'expected an object' },
      { line: 2, message: '"to" is missing' },
      { line: 3, message: 'confidence must be a number from 0 to 1, got "x"' },
    ]);
  });
});
