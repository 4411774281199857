import neo4j, { type Driver, type QueryResult, type Session, type SessionMode } from 'neo4j-driver';

/** The driver's transaction config (timeout, metadata); neo4j-driver does not re-export its type. */
type TransactionConfig = Parameters<Session['run']>[2];

/** What @neo4j/graphql calls `run` on inside executeRead / executeWrite. */
export interface StatementRunner {
  run(query: string, parameters?: Record<string, unknown>): Promise<QueryResult>;
}

export interface AutoCommitOptions {
  database?: string;
  /** Total time for retrying transient failures, like the driver's transaction functions (default 30 s). */
  maxRetryTimeMs?: number;
  initialRetryDelayMs?: number;
}

/**
 * The `executionContext` @neo4j/graphql gets per request. It is session-like, so @neo4j/graphql hands each
 * generated statement to executeRead / executeWrite, but the statement runs as an auto-commit query: RUN and
 * PULL go out in one Bolt write, where a transaction function sends BEGIN, RUN + PULL and COMMIT as three
 * flushed writes. @neo4j/graphql runs one statement per transaction, so the transaction boundary is the same.
 * On this machine kind a flushed Bolt write costs ~0.2 ms of CPU (the loopback write wakes Neo4j's Bolt thread);
 * dropping two per query took the API from ~1.96 to ~1.74 ms of Node CPU per request (bench/README). Transient
 * failures are retried with back-off as transaction functions retry them; the bookmark manager is the one
 * @neo4j/graphql itself uses. executeWrite is there for the session contract: the generated API is read-only.
 */
export class AutoCommitExecution {
  private readonly database: string;
  private readonly maxRetryTimeMs: number;
  private readonly initialRetryDelayMs: number;

  constructor(
    private readonly driver: Driver,
    options: AutoCommitOptions = {},
  ) {
    // @neo4j/graphql names the default database too, so the driver never asks for a routing table to find it.
    this.database = options.database ?? 'neo4j';
    this.maxRetryTimeMs = options.maxRetryTimeMs ?? 30_000;
    this.initialRetryDelayMs = options.initialRetryDelayMs ?? 1_000;
  }

  /** Never called: its presence is how @neo4j/graphql tells a session from a transaction. */
  beginTransaction(): never {
    throw new Error('AutoCommitExecution runs auto-commit statements only');
  }

  executeRead<T>(work: (runner: StatementRunner) => Promise<T>, config?: TransactionConfig): Promise<T> {
    return work(this.runner(neo4j.session.READ, config));
  }

  executeWrite<T>(work: (runner: StatementRunner) => Promise<T>, config?: TransactionConfig): Promise<T> {
    return work(this.runner(neo4j.session.WRITE, config));
  }

  private runner(mode: SessionMode, config: TransactionConfig | undefined): StatementRunner {
    return { run: (query, parameters) => this.run(mode, query, parameters ?? {}, config) };
  }

  private async run(
    mode: SessionMode,
    query: string,
    parameters: Record<string, unknown>,
    config: TransactionConfig | undefined,
  ): Promise<QueryResult> {
    const started = Date.now();
    for (let delay = this.initialRetryDelayMs; ; delay *= 2) {
      const session = this.driver.session({
        database: this.database,
        defaultAccessMode: mode,
        bookmarkManager: this.driver.executeQueryBookmarkManager,
      });
      let failure: unknown;
      try {
        return await session.run(query, parameters, config);
      } catch (error) {
        failure = error;
      } finally {
        await session.close();
      }
      const wait = delay * (0.8 + Math.random() * 0.4);
      if (!neo4j.isRetriableError(failure) || Date.now() - started + wait > this.maxRetryTimeMs)
        throw failure;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
