// Transfer benchmark body (see transfer.sh). Uses the built code in dist/, as a deployment would.
// One 2 GiB random disk, served over HTTP with Range and a required session cookie (what nbdkit's curl plugin
// reads from a datastore), copied four ways in the same run: dd, one bare nbdcopy, the engine's chunked
// NbdDiskCopier, and a CBT-style delta round. Exits non-zero only when a copy is wrong, never when it is slow.
import { Buffer } from 'node:buffer';
import { createHash, randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadEngineSettings } from '../dist/engine/engine-settings.js';
import { NbdDiskCopier } from '../dist/engine/transfer/nbd-disk-copier.js';
import { runCommand } from '../dist/providers/disk/command-runner.js';
import { detectDiskTools } from '../dist/providers/disk/disk-tools.js';
import { bytesOf, chunkExtents, normalizeExtents } from '../dist/providers/disk/extent-plan.js';
import { copyAll, copyExtents } from '../dist/providers/disk/nbdcopy.js';
import { nbdkitSourceArgs, nbdkitTargetArgs } from '../dist/providers/disk/nbd-source.js';
// Deterministic block choice, so every run rewrites the same pattern.
import { seededRandom } from '../dist/fleet/synthetic-estate.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const DISK_BYTES = Number(process.env.FFO_BENCH_DISK_MIB ?? 2048) * MiB;
// Best of N per full-copy method, interleaved, so one noisy moment on a shared host does not decide a ratio.
const RUNS = Math.max(1, Number(process.env.FFO_BENCH_RUNS ?? 1));
const BLOCK = 64 * 1024;
const CHANGED_SHARE = 0.05;
const ZERO_SHARE = 0.1;
const TARGET_VS_BARE = 0.9;
const TARGET_DELTA_RATIO = 1.05;

const controller = new globalThis.AbortController();
const { signal } = controller;
for (const name of ['SIGINT', 'SIGTERM']) process.once(name, () => controller.abort(new Error(name)));

const dir = mkdtempSync('/var/tmp/ffo-bench-transfer-');
const srcPath = join(dir, 'source-flat.vmdk');
const failures = [];

/** Streams a file through sha256 (Node's OpenSSL hash is ~3x faster than coreutils sha256sum here). */
async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(chunk);
  return hash.digest('hex');
}

/** Fully allocated random data (no holes, nothing compressible), hashed while it is written. */
async function writeRandomDisk(file, size) {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(16 * MiB);
  const fh = await open(file, 'w');
  try {
    for (let done = 0; done < size; done += buf.length) {
      const part = buf.subarray(0, Math.min(buf.length, size - done));
      randomFillSync(part);
      hash.update(part);
      await fh.write(part, 0, part.length, done);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** A datastore-like file server: HEAD + Range GET, keep-alive, 401 without the session cookie. */
async function startRangeServer(file, cookie) {
  const fh = await open(file, 'r');
  const size = (await fh.stat()).size;
  const counter = { bytes: 0, requests: 0, refused: 0 };
  const server = createServer((req, res) => {
    if (!(req.headers.cookie ?? '').split(/;\s*/).includes(cookie)) {
      counter.refused++;
      res.writeHead(401, { 'content-length': 0 }).end();
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' }).end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-length': 0 }).end();
      return;
    }
    let start = 0;
    let end = size - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.headers.range !== undefined) {
      if (!range || Number(range[1]) >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': 0 }).end();
        return;
      }
      start = Number(range[1]);
      if (range[2] !== '') end = Math.min(Number(range[2]), size - 1);
    }
    const length = end - start + 1;
    const headers = { 'content-length': length, 'accept-ranges': 'bytes' };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    counter.requests++;
    if (length <= 16 * MiB) {
      // nbdkit asks for one NBD request's worth at a time: one read, one write, no stream machinery.
      const buf = Buffer.allocUnsafe(length);
      fh.read(buf, 0, length, start).then(
        () => {
          counter.bytes += length;
          res.writeHead(range ? 206 : 200, headers).end(buf);
        },
        (error) => res.destroy(error),
      );
      return;
    }
    res.writeHead(range ? 206 : 200, headers);
    createReadStream(file, { start, end })
      .on('data', (chunk) => (counter.bytes += chunk.length))
      .on('error', (error) => res.destroy(error))
      .pipe(res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/folder/bench/source-flat.vmdk?dcPath=DC0&dsName=datastore1`,
    counter,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fh.close();
    },
  };
}

async function freshSparseTarget(name) {
  const file = join(dir, name);
  await writeFile(file, '');
  await truncate(file, DISK_BYTES);
  return file;
}

async function verify(label, file, expected) {
  const actual = await sha256File(file);
  const ok = actual === expected;
  if (!ok) failures.push(`${label}: sha256 ${actual} != source ${expected}`);
  return ok;
}

/** Data extents of the source as qemu-img sees them (the full-copy plan of a thick disk). */
async function allocatedExtents(file) {
  const { stdout } = await runCommand('qemu-img', ['map', '--output=json', '-f', 'raw', file], { signal });
  return normalizeExtents(
    JSON.parse(stdout)
      .filter((e) => e.data)
      .map((e) => ({ start: e.start, length: e.length })),
    DISK_BYTES,
  );
}

/** The engine's copy loop (copy-round.ts) without the migration around it: one copier call per chunk. */
async function engineCopy(copier, source, targetPath, extents, chunkBytes, targetIsFresh) {
  const chunks = chunkExtents(extents, chunkBytes);
  const disk = {
    key: 2000,
    fileName: '[datastore1] bench/source.vmdk',
    datastoreName: 'datastore1',
    path: 'bench/source.vmdk',
    capacityBytes: DISK_BYTES,
    thinProvisioned: false,
    controllerType: null,
    volumeType: null,
    sizeGB: Math.ceil(DISK_BYTES / GiB),
    boot: true,
  };
  let bytesCopied = 0;
  const chunkSeconds = [];
  const started = performance.now();
  for (const chunk of chunks) {
    signal.throwIfAborted();
    const chunkStarted = performance.now();
    const result = await copier.copy({
      disk,
      source,
      target: { kind: 'file', path: targetPath },
      extents: chunk,
      targetIsFresh,
      onBytes: () => undefined,
      signal,
      workDir: dir,
    });
    bytesCopied += result.bytesCopied;
    chunkSeconds.push((performance.now() - chunkStarted) / 1000);
  }
  return { seconds: (performance.now() - started) / 1000, bytesCopied, chunks: chunks.length, chunkSeconds };
}

/** Rewrites CHANGED_SHARE of the 64 KiB blocks in place (ZERO_SHARE of them to zeros); returns their extents. */
async function rewriteBlocks(file, seed) {
  const blocks = DISK_BYTES / BLOCK;
  const count = Math.round(blocks * CHANGED_SHARE);
  const zeros = Math.round(count * ZERO_SHARE);
  const random = seededRandom(seed);
  const picked = new Set();
  while (picked.size < count) picked.add(Math.floor(random() * blocks));
  const order = [...picked];
  const data = Buffer.allocUnsafe(BLOCK);
  const zero = Buffer.alloc(BLOCK);
  const fh = await open(file, 'r+');
  try {
    for (let i = 0; i < order.length; i++) {
      const buf = i < zeros ? zero : randomFillSync(data);
      await fh.write(buf, 0, BLOCK, order[i] * BLOCK);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return {
    extents: normalizeExtents(
      order.map((b) => ({ start: b * BLOCK, length: BLOCK })),
      DISK_BYTES,
    ),
    count,
    zeros,
  };
}

const mibps = (bytes, seconds) => bytes / MiB / seconds;
const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main() {
  const tools = await detectDiskTools();
  if (!tools.nbdkit || !tools.nbdcopy || !tools.nbdkitPlugins.includes('curl'))
    throw new Error(
      'nbdkit (with the curl plugin) and nbdcopy are required: apt-get install nbdkit libnbd-bin',
    );
  if (!tools.nbdkitFilters.includes('extentlist'))
    throw new Error('the nbdkit extentlist filter is required');
  const ddVersion = (await runCommand('dd', ['--version'])).stdout.split('\n')[0];
  const curlVersion = (await runCommand('curl', ['--version']).catch(() => ({ stdout: 'libcurl ?' }))).stdout
    .split('\n')[0]
    .replace(/^(curl \S+).*?(libcurl\/\S+).*$/, '$1 $2');
  const settings = loadEngineSettings();
  const chunkSizes = [...new Set([256 * MiB, settings.chunkBytes])];

  console.log(
    `transfer benchmark: ${DISK_BYTES / MiB} MiB random raw disk in ${dir}, best of ${RUNS} per full copy`,
  );
  console.log(
    `  tools: nbdkit ${tools.nbdkit}, nbdcopy ${tools.nbdcopy}, qemu-img ${tools.qemuImg ?? '-'}, ${ddVersion}, ${curlVersion}, node ${process.version}`,
  );
  console.log(
    `  load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  let t = performance.now();
  const srcSha = await writeRandomDisk(srcPath, DISK_BYTES);
  console.log(
    `  source generated in ${fmt((performance.now() - t) / 1000, 1)} s, sha256 ${srcSha.slice(0, 16)}…`,
  );

  const cookie = `vmware_soap_session="${randomUUID()}"`;
  const cookieFile = join(dir, 'vsphere-cookie');
  await writeFile(cookieFile, cookie, { mode: 0o600 });
  const server = await startRangeServer(srcPath, cookie);
  try {
    // The cookie really is required: a request without it must be refused.
    const anonymous = await fetch(server.url, { headers: { range: 'bytes=0-0' } });
    await anonymous.arrayBuffer();
    if (anonymous.status !== 401) throw new Error(`the server accepted a request without the cookie`);

    const source = { kind: 'http', url: server.url, cookieFile, caFile: null, insecure: false };
    const extents = await allocatedExtents(srcPath);
    const allocated = bytesOf(extents);
    const copier = new NbdDiskCopier(settings.rateBytesPerSecond);

    const best = new Map();
    const record = (label, seconds, bytes, extra = '') => {
      const prev = best.get(label);
      if (!prev || seconds < prev.seconds) best.set(label, { seconds, bytes, extra });
    };
    const served = () => {
      const before = server.counter.bytes;
      return () => server.counter.bytes - before;
    };

    for (let run = 1; run <= RUNS; run++) {
      // A: local file copy of the same bytes.
      const ddOut = join(dir, 'dd.raw');
      t = performance.now();
      await runCommand('dd', [`if=${srcPath}`, `of=${ddOut}`, 'bs=4M', 'conv=fsync', 'status=none'], {
        signal,
      });
      record('dd bs=4M conv=fsync', (performance.now() - t) / 1000, DISK_BYTES);
      await verify(`dd run ${run}`, ddOut, srcSha);
      rmSync(ddOut);

      // B: one bare nbdcopy, curl plugin source exactly as the engine builds it, nbdkit file target.
      const bareOut = await freshSparseTarget('bare.raw');
      let bytes = served();
      t = performance.now();
      await copyAll({
        source: nbdkitSourceArgs({ kind: 'http', url: server.url, cookieFile }),
        target: nbdkitTargetArgs({ kind: 'file', path: bareOut }),
        sizeBytes: DISK_BYTES,
        targetIsZero: true,
        signal,
      });
      record('bare nbdcopy (curl -> file)', (performance.now() - t) / 1000, bytes(), '1 run');
      await verify(`bare nbdcopy run ${run}`, bareOut, srcSha);
      rmSync(bareOut);

      // Ours: the engine's copier over the allocated extents, chunk by chunk.
      for (const chunkBytes of chunkSizes) {
        const label = `ours NbdDiskCopier, ${chunkBytes / MiB} MiB chunks`;
        const out = await freshSparseTarget(`ours-${chunkBytes}.raw`);
        bytes = served();
        const result = await engineCopy(copier, source, out, extents, chunkBytes, true);
        const spread = `${fmt(Math.min(...result.chunkSeconds))}-${fmt(Math.max(...result.chunkSeconds))} s`;
        record(label, result.seconds, bytes(), `${result.chunks} chunks of ${spread}`);
        await verify(`${label} run ${run}`, out, srcSha);
        // The last default-chunk target is the "old" target of the delta round.
        if (!(run === RUNS && chunkBytes === settings.chunkBytes)) rmSync(out);
      }
    }

    // Delta round: rewrite 5% of the blocks in the source, copy only those extents onto the old target.
    const deltaTarget = join(dir, `ours-${settings.chunkBytes}.raw`);
    const seed = Number(process.env.FFO_BENCH_SEED ?? 20261125);
    const change = await rewriteBlocks(srcPath, seed);
    const changedBytes = bytesOf(change.extents);
    const newSha = await sha256File(srcPath);
    if (newSha === srcSha) failures.push('delta: the rewrite did not change the source');
    const bytes = served();
    const delta = await engineCopy(copier, source, deltaTarget, change.extents, settings.chunkBytes, false);
    const moved = bytes();
    const deltaOk = await verify('delta round', deltaTarget, newSha);

    // Fixed cost of one copier call (nbdcopy + two nbdkit + HEAD + flush): what every extra chunk adds.
    const callSeconds = [];
    for (let i = 0; i < 3; i++) {
      const one = await engineCopy(
        copier,
        source,
        deltaTarget,
        [change.extents[i]],
        settings.chunkBytes,
        false,
      );
      callSeconds.push(one.seconds);
    }
    callSeconds.sort((a, b) => a - b);

    // Diagnostic, not the engine path: a second delta round through copyExtents with the request size cut to
    // the 64 KiB block size (nbdcopy 1.14 reads and writes whole --request-size units from each extent start).
    const change2 = await rewriteBlocks(srcPath, seed + 1);
    const changed2 = bytesOf(change2.extents);
    const newSha2 = await sha256File(srcPath);
    const bytes2 = served();
    t = performance.now();
    await copyExtents({
      source: nbdkitSourceArgs({ kind: 'http', url: server.url, cookieFile }),
      target: nbdkitTargetArgs({ kind: 'file', path: deltaTarget }),
      extents: change2.extents,
      sizeBytes: DISK_BYTES,
      workDir: dir,
      nbdcopyFlags: [`--request-size=${BLOCK}`],
      signal,
    });
    const delta2Seconds = (performance.now() - t) / 1000;
    const moved2 = bytes2();
    const delta2Ok = await verify('delta round 2 (--request-size=64K)', deltaTarget, newSha2);

    const bare = best.get('bare nbdcopy (curl -> file)');
    const dd = best.get('dd bs=4M conv=fsync');
    console.log('');
    console.log(
      `  ${'method'.padEnd(40)} ${'seconds'.padStart(8)} ${'MiB/s'.padStart(8)} ${'vs bare'.padStart(8)} ${'vs dd'.padStart(7)}  ${'HTTP MiB'.padStart(8)}  note`,
    );
    const misses = [];
    for (const [label, row] of best) {
      const rate = mibps(allocated, row.seconds);
      const vsBare = bare.seconds / row.seconds;
      const vsDd = dd.seconds / row.seconds;
      const httpMiB = label.startsWith('dd') ? '-' : fmt(row.bytes / MiB, 0);
      let note = row.extra;
      if (label.startsWith('ours')) {
        const met = vsBare >= TARGET_VS_BARE;
        if (!met) misses.push(label);
        note += `${note ? ', ' : ''}target >= ${TARGET_VS_BARE}x bare: ${met ? 'met' : 'target missed'}`;
      }
      console.log(
        `  ${label.padEnd(40)} ${fmt(row.seconds).padStart(8)} ${fmt(rate, 0).padStart(8)} ${fmt(vsBare).padStart(8)} ${fmt(vsDd).padStart(7)}  ${httpMiB.padStart(8)}  ${note}`,
      );
    }
    const deltaRatio = moved / changedBytes;
    const deltaMet = deltaRatio <= TARGET_DELTA_RATIO;
    if (!deltaMet) misses.push('delta bytes ratio');
    console.log(
      `  ${'delta round (5% of 64 KiB blocks)'.padEnd(40)} ${fmt(delta.seconds).padStart(8)} ${fmt(mibps(changedBytes, delta.seconds), 0).padStart(8)} ${''.padStart(8)} ${''.padStart(7)}  ${fmt(moved / MiB, 1).padStart(8)}  ${change.count} blocks (${change.zeros} zeroed), ${delta.chunks} chunk(s)`,
    );
    console.log(
      `  ${'  diagnostic: --request-size=64K delta'.padEnd(40)} ${fmt(delta2Seconds).padStart(8)} ${fmt(mibps(changed2, delta2Seconds), 0).padStart(8)} ${''.padStart(8)} ${''.padStart(7)}  ${fmt(moved2 / MiB, 1).padStart(8)}  round 2, ratio ${(moved2 / changed2).toFixed(2)}, sha256 ${delta2Ok ? 'ok' : 'MISMATCH'} (copyExtents, not the engine path)`,
    );
    console.log('');
    console.log(
      `  per copier call (one 64 KiB extent, median of 3): ${fmt(callSeconds[1])} s, the fixed cost each extra chunk adds`,
    );
    console.log(
      `  delta: bytes moved (HTTP) / bytes changed = ${moved} / ${changedBytes} = ${deltaRatio.toFixed(2)} (copier reported ${delta.bytesCopied}); target <= ${TARGET_DELTA_RATIO}: ${deltaMet ? 'met' : 'target missed'}`,
    );
    console.log(
      `  sha256 of every full copy and of the whole target after the delta: ${failures.length === 0 ? 'all equal to the source' : 'MISMATCH'}${deltaOk ? '' : ' (delta target wrong)'}`,
    );
    console.log(
      `  HTTP: ${server.counter.requests} range requests, ${server.counter.refused} refused without cookie`,
    );
    console.log(
      `  load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `  speed targets: ${misses.length === 0 ? 'all met' : `target missed: ${misses.join('; ')}`}`,
    );
  } finally {
    await server.close();
  }
}

try {
  await main();
} catch (error) {
  failures.push(`benchmark failed: ${error?.stack ?? error}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
await stat(dir).then(
  () => failures.push(`temp dir ${dir} was not removed`),
  () => undefined,
);
if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exitCode = 1;
}
