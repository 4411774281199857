// Parses dependency files (CSV or JSON) into rows, collecting every problem instead of stopping at the first,
// so an operator can fix a whole file in one go.

export interface DependencyRow {
  /** 1-based line (CSV, counting the header) or element index + 1 (JSON). */
  line: number;
  from: string;
  to: string;
  reason: string | null;
  confidence: number;
}

export interface RowProblem {
  line: number;
  message: string;
}

export interface ParsedDependencies {
  rows: DependencyRow[];
  problems: RowProblem[];
}

export type DependencyFileFormat = 'csv' | 'json';

/** RFC 4180 fields: commas and quotes inside double quotes, "" as an escaped quote. */
export function parseCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(wasQuoted ? field : field.trim());
      field = '';
      wasQuoted = false;
    } else field += ch;
  }
  if (quoted) return null;
  fields.push(wasQuoted ? field : field.trim());
  return fields;
}

function validateRow(
  line: number,
  raw: { from?: unknown; to?: unknown; reason?: unknown; confidence?: unknown },
  problems: RowProblem[],
): DependencyRow | null {
  const before = problems.length;
  const from = typeof raw.from === 'string' ? raw.from.trim() : '';
  const to = typeof raw.to === 'string' ? raw.to.trim() : '';
  if (!from) problems.push({ line, message: '"from" is missing' });
  if (!to) problems.push({ line, message: '"to" is missing' });
  if (from && to && from === to) problems.push({ line, message: `a VM cannot depend on itself ("${from}")` });
  let confidence = 1;
  if (raw.confidence !== undefined && raw.confidence !== null && raw.confidence !== '') {
    confidence = typeof raw.confidence === 'number' ? raw.confidence : Number(raw.confidence);
    if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
      problems.push({
        line,
        message: `confidence must be a number from 0 to 1, got "${String(raw.confidence)}"`,
      });
    }
  }
  const reason =
    raw.reason === undefined || raw.reason === null || raw.reason === '' ? null : String(raw.reason);
  return problems.length === before ? { line, from, to, reason, confidence } : null;
}

export function parseDependencyFile(content: string, format: DependencyFileFormat): ParsedDependencies {
  const problems: RowProblem[] = [];
  const rows: DependencyRow[] = [];
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(content);
    } catch (error) {
      return { rows, problems: [{ line: 0, message: `not valid JSON: ${(error as Error).message}` }] };
    }
    const list = Array.isArray(data) ? data : (data as { dependencies?: unknown })?.dependencies;
    if (!Array.isArray(list)) {
      return {
        rows,
        problems: [{ line: 0, message: 'expected an array of {from, to, reason?, confidence?}' }],
      };
    }
    list.forEach((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        problems.push({ line: index + 1, message: 'expected an object' });
        return;
      }
      const row = validateRow(index + 1, item as Record<string, unknown>, problems);
      if (row) rows.push(row);
    });
    return { rows, problems };
  }

  const lines = content.split(/\r?\n/);
  const header = parseCsvLine(lines[0] ?? '')?.map((h) => h.toLowerCase());
  if (!header || !header.includes('from') || !header.includes('to')) {
    return {
      rows,
      problems: [{ line: 1, message: 'the header must name at least the columns "from" and "to"' }],
    };
  }
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const fields = parseCsvLine(text);
    if (!fields) {
      problems.push({ line: i + 1, message: 'unterminated quoted field' });
      continue;
    }
    if (fields.length !== header.length) {
      problems.push({ line: i + 1, message: `expected ${header.length} fields, got ${fields.length}` });
      continue;
    }
    const record = Object.fromEntries(header.map((name, k) => [name, fields[k]]));
    const row = validateRow(i + 1, record, problems);
    if (row) rows.push(row);
  }
  return { rows, problems };
}
