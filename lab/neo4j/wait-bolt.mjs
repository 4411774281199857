#!/usr/bin/env node
// Waits until a Neo4j server answers real Bolt queries: `RETURN 1` and `RETURN apoc.version()`.
// Usage: node lab/neo4j/wait-bolt.mjs [--uri bolt://127.0.0.1:7687] [--timeout 180] [--pid N]
//        [--user neo4j] [--password neo4j-lab]
// Exit codes: 0 ready, 1 timed out (or APOC missing), 2 bad usage, 3 the process given by --pid exited.
import neo4j from 'neo4j-driver';

const opts = {
  uri: process.env.NEO4J_URI || 'bolt://127.0.0.1:7687',
  timeout: '180',
  pid: '',
  user: process.env.NEO4J_USER || 'neo4j',
  password: process.env.NEO4J_PASSWORD || 'neo4j-lab',
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts) || argv[i + 1] === undefined) {
    console.error(`usage: wait-bolt.mjs [--uri U] [--timeout S] [--pid N] [--user U] [--password P]`);
    process.exit(2);
  }
  opts[key] = argv[i + 1];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pidAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

const started = Date.now();
const deadline = started + Number(opts.timeout) * 1000;
const pid = opts.pid ? Number(opts.pid) : 0;
const driver = neo4j.driver(opts.uri, neo4j.auth.basic(opts.user, opts.password), {
  connectionTimeout: 3000,
  maxConnectionPoolSize: 1,
  // Each attempt fails fast; this loop does the retrying.
  maxTransactionRetryTime: 0,
});

let lastError = 'no attempt made';
let code = 1;
try {
  while (Date.now() < deadline) {
    if (pid && !pidAlive(pid)) {
      lastError = `process ${pid} exited`;
      code = 3;
      break;
    }
    const session = driver.session();
    try {
      const one = await session.run('RETURN 1 AS one');
      if (one.records[0].get('one').toNumber() !== 1) throw new Error('RETURN 1 gave a wrong answer');
      const apoc = (await session.run('RETURN apoc.version() AS v')).records[0].get('v');
      const kernel = await session.run(
        "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS v",
      );
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `bolt ready: ${opts.uri} neo4j ${kernel.records[0].get('v')} apoc ${apoc} (waited ${secs}s)`,
      );
      code = 0;
      break;
    } catch (err) {
      lastError = err.code ? `${err.code}: ${err.message}` : String(err.message || err);
      // Procedures load before Bolt opens, so an unknown apoc function will not go away by waiting.
      if (/Unknown function 'apoc\./.test(lastError)) {
        lastError = `APOC is not installed (${lastError})`;
        break;
      }
    } finally {
      await session.close().catch(() => {});
    }
    await sleep(500);
  }
} finally {
  await driver.close().catch(() => {});
}
if (code !== 0) {
  const why = code === 3 ? lastError : `timed out after ${opts.timeout}s; last error: ${lastError}`;
  console.error(`bolt not ready at ${opts.uri}: ${why}`);
}
process.exit(code);
