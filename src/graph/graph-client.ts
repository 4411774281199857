import neo4j, { type Driver, type ManagedTransaction, type QueryResult } from 'neo4j-driver';
import { ErrorCode, FfoError } from '../errors/index.js';
import { cypher } from './cypher-catalog.js';
import { toPlain } from './neo4j-values.js';

export interface GraphSettings {
  uri: string;
  user: string;
  password: string;
  database?: string;
}

export type Row = Record<string, unknown>;

/** Runs named statements from cypher/ and returns plain rows. The one place that maps driver errors. */
export class GraphClient {
  readonly driver: Driver;
  readonly database: string | undefined;

  constructor(settings: GraphSettings, driver?: Driver) {
    this.driver =
      driver ??
      neo4j.driver(settings.uri, neo4j.auth.basic(settings.user, settings.password), {
        disableLosslessIntegers: false,
        maxConnectionPoolSize: 20,
      });
    this.database = settings.database;
  }

  async verify(): Promise<void> {
    try {
      await this.driver.verifyConnectivity(this.database ? { database: this.database } : {});
    } catch (cause) {
      throw mapGraphError(cause);
    }
  }

  async read(name: string, params: Row = {}): Promise<Row[]> {
    return this.execute('READ', (tx) => runNamed(tx, name, params));
  }

  async write(name: string, params: Row = {}): Promise<Row[]> {
    return this.execute('WRITE', (tx) => runNamed(tx, name, params));
  }

  /**
   * An auto-commit statement: the only way to run `CALL { ... } IN TRANSACTIONS` (bulk deletes that would not fit
   * one transaction). Not retried, so only for idempotent statements.
   */
  async writeBatched(name: string, params: Row = {}): Promise<Row[]> {
    const statement = cypher(name);
    checkParameters(name, params);
    const session = this.driver.session({
      defaultAccessMode: neo4j.session.WRITE,
      ...(this.database ? { database: this.database } : {}),
    });
    try {
      return rows(await session.run(statement.text, params));
    } catch (cause) {
      throw mapGraphError(cause);
    } finally {
      await session.close();
    }
  }

  /** Several statements in one write transaction: all or nothing. */
  async writeTransaction<T>(work: (tx: GraphTransaction) => Promise<T>): Promise<T> {
    return this.execute('WRITE', (tx) => work(new GraphTransaction(tx)));
  }

  /** Raw text, for statements that are not in the catalogue (constraint files split into statements). */
  async runText(text: string, params: Row = {}): Promise<Row[]> {
    return this.execute('WRITE', async (tx) => rows(await tx.run(text, params)));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private async execute<T>(mode: 'READ' | 'WRITE', work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.database ? { database: this.database } : {}),
    });
    const started = trace ? performance.now() : 0;
    try {
      return mode === 'READ' ? await session.executeRead(work) : await session.executeWrite(work);
    } catch (cause) {
      throw mapGraphError(cause);
    } finally {
      await session.close();
      if (trace) console.error(`transaction ${mode}: ${(performance.now() - started).toFixed(1)} ms`);
    }
  }
}

export class GraphTransaction {
  constructor(private readonly tx: ManagedTransaction) {}
  run(name: string, params: Row = {}): Promise<Row[]> {
    return runNamed(this.tx, name, params);
  }
}

/** Refuses a call that misses a parameter the statement reads, before anything reaches the database. */
export function checkParameters(name: string, params: Row): void {
  const missing = cypher(name).parameters.filter((p) => !(p in params));
  if (missing.length > 0) {
    throw new FfoError(ErrorCode.INTERNAL, `statement ${name} needs parameter(s) ${missing.join(', ')}`, {
      details: { statement: name, missing },
    });
  }
}

// FFO_TRACE_CYPHER=1 prints each named statement's time to stderr: the first thing to look at when the twin is slow.
const trace = process.env.FFO_TRACE_CYPHER === '1';

async function runNamed(tx: ManagedTransaction, name: string, params: Row): Promise<Row[]> {
  checkParameters(name, params);
  const started = trace ? performance.now() : 0;
  const result = rows(await tx.run(cypher(name).text, params));
  if (trace)
    console.error(`cypher ${name}: ${(performance.now() - started).toFixed(1)} ms, ${result.length} rows`);
  return result;
}

function rows(result: QueryResult): Row[] {
  return result.records.map((record) => toPlain(record.toObject()) as Row);
}

export function mapGraphError(cause: unknown): FfoError {
  if (cause instanceof FfoError) return cause;
  const error = cause as { code?: string; message?: string };
  const code = error.code ?? '';
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code.includes('TransientError')) {
    return new FfoError(ErrorCode.GRAPH_UNAVAILABLE, `Neo4j is unavailable: ${error.message ?? code}`, {
      retryable: true,
      cause,
    });
  }
  if (code.includes('ConstraintValidationFailed')) {
    return new FfoError(ErrorCode.GRAPH_CONSTRAINT, error.message ?? 'constraint violated', { cause });
  }
  return new FfoError(ErrorCode.INTERNAL, `graph query failed: ${error.message ?? String(cause)}`, { cause });
}
