import { describe, expect, it } from '@jest/globals';
import neo4j, { Neo4jError, type Driver } from 'neo4j-driver';
import { AutoCommitExecution } from '../../../src/graph/auto-commit-execution.js';

/** A driver double recording sessions; each `run` takes the next outcome (an error to throw, or a result). */
function recordingDriver(outcomes: (Error | { records: unknown[] })[]) {
  const sessions: { config: Record<string, unknown>; runs: unknown[][]; closed: boolean }[] = [];
  const bookmarkManager = { name: 'the driver’s executeQuery bookmark manager' };
  const driver = {
    executeQueryBookmarkManager: bookmarkManager,
    session(config: Record<string, unknown>) {
      const session = { config, runs: [] as unknown[][], closed: false };
      sessions.push(session);
      return {
        run: async (...args: unknown[]) => {
          session.runs.push(args);
          const next = outcomes.shift();
          if (!next) throw new Error('no outcome left');
          if (next instanceof Error) throw next;
          return next;
        },
        close: async () => {
          session.closed = true;
        },
      };
    },
  };
  return { driver: driver as unknown as Driver, sessions, bookmarkManager };
}

const transient = () => new Neo4jError('deadlock', 'Neo.TransientError.Transaction.DeadlockDetected', '', '');

describe('AutoCommitExecution', () => {
  it('runs each statement as one auto-commit query in the session mode @neo4j/graphql asked for', async () => {
    const { driver, sessions, bookmarkManager } = recordingDriver([{ records: ['r'] }, { records: ['w'] }]);
    const execution = new AutoCommitExecution(driver, { database: 'twin' });
    const config = { metadata: { app: 'x' }, timeout: 5000 };
    const read = await execution.executeRead((tx) => tx.run('MATCH (n) RETURN n', { a: 1 }), config);
    const written = await execution.executeWrite((tx) => tx.run('CREATE (n)'), undefined);
    expect([read, written]).toEqual([{ records: ['r'] }, { records: ['w'] }]);
    expect(sessions.map((s) => s.config)).toEqual([
      { database: 'twin', defaultAccessMode: neo4j.session.READ, bookmarkManager },
      { database: 'twin', defaultAccessMode: neo4j.session.WRITE, bookmarkManager },
    ]);
    expect(sessions.map((s) => s.runs)).toEqual([
      [['MATCH (n) RETURN n', { a: 1 }, config]],
      [['CREATE (n)', {}, undefined]],
    ]);
    expect(sessions.every((s) => s.closed)).toBe(true);
    expect(() => execution.beginTransaction()).toThrow(/auto-commit/);
  });

  it('names the default database when none is configured', async () => {
    const { driver, sessions } = recordingDriver([{ records: [] }]);
    await new AutoCommitExecution(driver).executeRead((tx) => tx.run('RETURN 1'));
    expect(sessions[0]!.config.database).toBe('neo4j');
  });

  it('retries a transient failure in a fresh session, closing the failed one first', async () => {
    const { driver, sessions } = recordingDriver([transient(), transient(), { records: ['ok'] }]);
    const execution = new AutoCommitExecution(driver, { initialRetryDelayMs: 1 });
    await expect(execution.executeWrite((tx) => tx.run('MERGE (n:X)'))).resolves.toEqual({ records: ['ok'] });
    expect(sessions).toHaveLength(3);
    expect(sessions.every((s) => s.closed && s.runs.length === 1)).toBe(true);
  });

  it('does not retry what is not transient, and stops retrying when the retry time is spent', async () => {
    const syntax = new Neo4jError('bad', 'Neo.ClientError.Statement.SyntaxError', '', '');
    const once = recordingDriver([syntax]);
    await expect(new AutoCommitExecution(once.driver).executeRead((tx) => tx.run('MATC'))).rejects.toBe(
      syntax,
    );
    expect(once.sessions).toHaveLength(1);

    const failures = [transient(), transient(), transient()];
    const spent = recordingDriver([...failures]);
    const execution = new AutoCommitExecution(spent.driver, { initialRetryDelayMs: 20, maxRetryTimeMs: 45 });
    // Waits are ±20 %: the first (16–24 ms) fits the 45 ms budget, the second (32–48 ms after ≥ 16) never does.
    await expect(execution.executeRead((tx) => tx.run('RETURN 1'))).rejects.toBe(failures[1]);
    expect(spent.sessions).toHaveLength(2);
    expect(spent.sessions.every((s) => s.closed)).toBe(true);
  });
});
