import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isFfoError } from '../../src/errors/ffo-error.js';
import {
  ExternalCommandError,
  parentDeathArgv,
  runCommand,
  setprivPath,
} from '../../src/providers/disk/command-runner.js';
import { detectDiskTools } from '../../src/providers/disk/disk-tools.js';
import { bytesOf, type Extent } from '../../src/providers/disk/extent-plan.js';
import { downloadToFile } from '../../src/providers/disk/http-range-download.js';
import {
  assertVddkAvailable,
  nbdkitSourceArgs,
  nbdkitTargetArgs,
} from '../../src/providers/disk/nbd-source.js';
import { copyAll, copyExtents } from '../../src/providers/disk/nbdcopy.js';
import { startNbdkit } from '../../src/providers/disk/nbdkit-server.js';
import { qemuImgConvert, qemuImgInfo } from '../../src/providers/disk/qemu-img.js';

const MiB = 1024 * 1024;
const BLOCK = 64 * 1024;
const SIZE = 64 * MiB;

async function sha256(file: string, length?: number): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(file, length === undefined ? {} : { start: 0, end: length - 1 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Direct children of a process, from /proc (there is no API for another process's children). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (after the parenthesised command name) is the parent PID.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface RangeServer {
  server: Server;
  base: string;
  cookie: string;
  /** Range header of every authenticated GET, in order. */
  ranges: Array<string | undefined>;
}

/** A tiny HTTP/1.1 file server with Range support that insists on a session cookie (like ESXi /folder). */
async function startRangeServer(files: Record<string, string>): Promise<RangeServer> {
  const cookie = `vmware_soap_session="${randomUUID()}"`;
  const ranges: Array<string | undefined> = [];
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.cookie !== cookie) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('no session');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const ignoreRange = url.pathname.startsWith('/norange/');
    const file = files[url.pathname.replace(/^\/norange/, '')];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    const size = (await stat(file)).size;
    if (req.method === 'GET') ranges.push(req.headers.range);
    const match = ignoreRange ? null : /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!match) {
      res.writeHead(200, {
        'content-length': size,
        ...(ignoreRange ? {} : { 'accept-ranges': 'bytes' }),
        'content-type': 'application/octet-stream',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
      return;
    }
    const start = Number(match[1]);
    const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    res.writeHead(206, {
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${size}`,
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file, { start, end }).pipe(res);
  };
  const server = createServer((req, res) => {
    handler(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, cookie, ranges };
}

async function writeAt(file: string, offset: number, data: Buffer): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(data, 0, data.length, offset);
  } finally {
    await handle.close();
  }
}

describe('disk tools (nbdkit, nbdcopy, qemu-img) on this host', () => {
  let dir: string;
  let src: string;
  let cookieFile: string;
  let http: RangeServer;
  /** 64 KiB blocks of src that hold data (the others are holes). */
  const dataBlocks: number[] = [];

  beforeAll(async () => {
    // Short path: Unix socket paths are limited to 107 bytes.
    dir = await mkdtemp(path.join(os.tmpdir(), 'ffo-disk-'));
    src = path.join(dir, 'src.raw');
    await writeFile(src, '');
    await truncate(src, SIZE);
    // Random data in the first 1 MiB of every 4 MiB, holes elsewhere.
    for (let offset = 0; offset < SIZE; offset += 4 * MiB) {
      await writeAt(src, offset, randomBytes(MiB));
      for (let block = offset; block < offset + MiB; block += BLOCK) dataBlocks.push(block / BLOCK);
    }
    http = await startRangeServer({ '/folder/vm/src-flat.vmdk': src });
    cookieFile = path.join(dir, 'cookie');
    await writeFile(cookieFile, http.cookie, { mode: 0o600 });
  });

  afterAll(async () => {
    http?.server.closeAllConnections();
    await new Promise((resolve) => http?.server.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('detects the installed tools, plugins and filters', async () => {
    const tools = await detectDiskTools();
    expect(tools.nbdkit).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tools.nbdcopy).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tools.qemuImg).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tools.nbdkitPlugins).toEqual(expect.arrayContaining(['curl', 'file']));
    expect(tools.nbdkitFilters).toEqual(expect.arrayContaining(['extentlist', 'rate', 'truncate']));
    expect(tools.setpriv).toBe(true);
  });

  it('copies a whole disk over HTTP (nbdkit curl with a cookie file) into nbdkit file', async () => {
    const target = path.join(dir, 'full-target.raw');
    await writeFile(target, '');
    await truncate(target, SIZE);
    const progress: number[] = [];
    const source = nbdkitSourceArgs({
      kind: 'http',
      url: `${http.base}/folder/vm/src-flat.vmdk`,
      cookieFile,
    });
    expect(source.join(' ')).not.toContain(http.cookie);
    const result = await copyAll({
      source,
      target: nbdkitTargetArgs({ kind: 'file', path: target }),
      sizeBytes: SIZE,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result.bytesCopied).toBe(SIZE);
    expect(await sha256(target)).toBe(await sha256(src));
    expect(progress[progress.length - 1]).toBe(SIZE);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('fails over HTTP without the session cookie (the server answers 401)', async () => {
    const target = path.join(dir, 'nocookie-target.raw');
    await writeFile(target, '');
    await truncate(target, SIZE);
    const failure = await copyAll({
      source: nbdkitSourceArgs({ kind: 'http', url: `${http.base}/folder/vm/src-flat.vmdk` }),
      target: nbdkitTargetArgs({ kind: 'file', path: target }),
      sizeBytes: SIZE,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExternalCommandError);
    expect((failure as ExternalCommandError).details.stderrTail).toMatch(/401/);
  });

  it('copies only changed extents (5% of blocks, a tenth of them zeroed) onto an nbdkit server target', async () => {
    const changed = path.join(dir, 'changed.raw');
    const target = path.join(dir, 'delta-target.raw');
    await copyFile(src, changed);
    await copyFile(src, target);
    const blockCount = SIZE / BLOCK;
    const picked = new Set<number>();
    // Zeroed blocks come from data areas, so a copy that skips zeros would leave old data behind.
    const zeroCount = Math.round(blockCount * 0.05 * 0.1);
    while (picked.size < zeroCount)
      picked.add(dataBlocks[randomBytes(4).readUInt32LE() % dataBlocks.length]!);
    const zeroed = new Set(picked);
    while (picked.size < Math.round(blockCount * 0.05))
      picked.add(randomBytes(4).readUInt32LE() % blockCount);
    for (const block of picked)
      await writeAt(changed, block * BLOCK, zeroed.has(block) ? Buffer.alloc(BLOCK) : randomBytes(BLOCK));
    const extents: Extent[] = [...picked].map((block) => ({ start: block * BLOCK, length: BLOCK }));
    expect(await sha256(target)).not.toBe(await sha256(changed));

    const server = await startNbdkit(nbdkitTargetArgs({ kind: 'file', path: target }), { dir });
    try {
      const progress: number[] = [];
      const result = await copyExtents({
        source: nbdkitSourceArgs({ kind: 'file', path: changed }),
        target: { uri: server.uri },
        extents,
        sizeBytes: SIZE,
        workDir: dir,
        onProgress: (bytes) => progress.push(bytes),
      });
      expect(result.bytesCopied).toBe(picked.size * BLOCK);
      expect(result.bytesCopied).toBe(bytesOf(extents));
      expect(progress[progress.length - 1]).toBe(result.bytesCopied);
    } finally {
      await server.stop();
    }
    expect(alive(server.pid)).toBe(false);
    expect(await sha256(target)).toBe(await sha256(changed));
    // The extent list file is temporary.
    expect((await readdir(dir)).filter((name) => name.startsWith('extents-'))).toEqual([]);
  });

  it('refuses a regular file path as the copy target (nbdcopy would truncate it)', async () => {
    const failure = await copyExtents({
      source: nbdkitSourceArgs({ kind: 'file', path: src }),
      target: { uri: src },
      extents: [{ start: 0, length: BLOCK }],
      sizeBytes: SIZE,
      workDir: dir,
    }).catch((error: unknown) => error);
    expect(isFfoError(failure) && failure.code).toBe('BAD_INPUT');
  });

  it('copies into a larger target (a volume rounded up to 1 GiB) and refuses a smaller one', async () => {
    const target = path.join(dir, 'big-target.raw');
    await writeFile(target, '');
    await truncate(target, 1024 * MiB);
    await copyAll({
      source: nbdkitSourceArgs({ kind: 'file', path: src }),
      target: nbdkitTargetArgs({ kind: 'file', path: target }),
      sizeBytes: SIZE,
      targetIsZero: true,
    });
    expect((await stat(target)).size).toBe(1024 * MiB);
    expect(await sha256(target, SIZE)).toBe(await sha256(src));

    const small = path.join(dir, 'small-target.raw');
    await writeFile(small, '');
    await truncate(small, SIZE / 2);
    const failure = await copyAll({
      source: nbdkitSourceArgs({ kind: 'file', path: src }),
      target: nbdkitTargetArgs({ kind: 'file', path: small }),
      sizeBytes: SIZE,
    }).catch((error: unknown) => error);
    expect(isFfoError(failure) && failure.code).toBe('TRANSFER_FAILED');
  });

  it('cancels a running copy: nbdcopy and both nbdkit subprocesses are gone when it rejects', async () => {
    const target = path.join(dir, 'cancel-target.raw');
    await writeFile(target, '');
    await truncate(target, SIZE);
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    let nbdcopyPid = 0;
    const copy = copyAll({
      // 4 MiB/s: the copy would take ~15 s.
      source: nbdkitSourceArgs({ kind: 'file', path: src }, { rateBytesPerSecond: 4 * MiB }),
      target: nbdkitTargetArgs({ kind: 'file', path: target }),
      sizeBytes: SIZE,
      signal: controller.signal,
      onSpawn: (pid) => (nbdcopyPid = pid),
    });
    copy.catch(() => undefined);
    // nbdcopy reports progress per 128 MiB work unit, so a 64 MiB copy shows no progress until the end;
    // wait for both nbdkit subprocesses instead (no event exists for another process's children).
    let helpers: number[] = [];
    await waitUntil('nbdcopy to start both nbdkit subprocesses', async () => {
      helpers = nbdcopyPid === 0 ? [] : await childrenOf(nbdcopyPid);
      return helpers.length === 2;
    });
    controller.abort(reason);
    await expect(copy).rejects.toBe(reason);
    expect(alive(nbdcopyPid)).toBe(false);
    for (const pid of helpers) expect(alive(pid)).toBe(false);
  });

  it('resumes an aborted download with Range and refuses to resume from a server that ignores Range', async () => {
    const dest = path.join(dir, 'download.raw');
    const url = `${http.base}/folder/vm/src-flat.vmdk`;
    const headers = { cookie: http.cookie };
    const controller = new AbortController();
    const reason = new Error('stop half-way');
    const first = downloadToFile(url, dest, {
      headers,
      expectedBytes: SIZE,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 16 * MiB) controller.abort(reason);
      },
    });
    await expect(first).rejects.toBe(reason);
    const partial = (await stat(dest)).size;
    expect(partial).toBeGreaterThanOrEqual(16 * MiB);
    expect(partial).toBeLessThan(SIZE);

    http.ranges.length = 0;
    const progress: Array<[number, number | null]> = [];
    const written = await downloadToFile(url, dest, {
      headers,
      expectedBytes: SIZE,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(written).toBe(SIZE - partial);
    expect(http.ranges).toEqual([`bytes=${partial}-`]);
    expect(progress[progress.length - 1]).toEqual([SIZE, SIZE]);
    expect(await sha256(dest)).toBe(await sha256(src));
    // Complete already: nothing more to fetch.
    expect(await downloadToFile(url, dest, { headers, expectedBytes: SIZE })).toBe(0);

    // In chunks, from scratch.
    const chunked = path.join(dir, 'download-chunked.raw');
    http.ranges.length = 0;
    expect(await downloadToFile(url, chunked, { headers, chunkBytes: 24 * MiB })).toBe(SIZE);
    expect(http.ranges).toEqual(['bytes=0-25165823', 'bytes=25165824-50331647', 'bytes=50331648-75497471']);
    expect(await sha256(chunked)).toBe(await sha256(src));

    const noRange = path.join(dir, 'download-norange.raw');
    await writeFile(noRange, Buffer.alloc(1000));
    const refused = await downloadToFile(`${http.base}/norange/folder/vm/src-flat.vmdk`, noRange, {
      headers,
    }).catch((error: unknown) => error);
    expect(isFfoError(refused) && refused.code).toBe('TRANSFER_FAILED');
    expect((refused as Error).message).toMatch(/ignores Range/);

    const unauthorized = await downloadToFile(url, path.join(dir, 'download-401.raw')).catch(
      (error: unknown) => error,
    );
    expect(isFfoError(unauthorized) && unauthorized.code).toBe('TRANSFER_FAILED');
    expect(isFfoError(unauthorized) && unauthorized.retryable).toBe(false);
  });

  it('converts raw to qcow2 with progress callbacks and reads the result with qemu-img info', async () => {
    const qcow2 = path.join(dir, 'src.qcow2');
    const back = path.join(dir, 'back.raw');
    const percents: number[] = [];
    await qemuImgConvert({
      src,
      srcFormat: 'raw',
      dst: qcow2,
      dstFormat: 'qcow2',
      dstOptions: ['compat=1.1'],
      onProgress: (percent) => percents.push(percent),
    });
    expect(percents.length).toBeGreaterThan(2);
    expect(percents[percents.length - 1]).toBe(100);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const info = await qemuImgInfo(qcow2);
    expect(info.format).toBe('qcow2');
    expect(info.virtualSize).toBe(SIZE);
    // Holes stay holes: about 16 MiB of data plus metadata.
    expect(info.actualSize).toBeLessThan(SIZE / 2);
    await qemuImgConvert({ src: qcow2, srcFormat: 'qcow2', dst: back, dstFormat: 'raw' });
    expect(await sha256(back)).toBe(await sha256(src));
  });

  it('reports a failing command with exit code and stderr tail, secrets redacted', async () => {
    const secret = `s3cret-${randomUUID()}`;
    const missing = path.join(dir, `missing-${secret}.img`);
    const failure = await runCommand('qemu-img', ['info', missing], { redact: [secret] }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ExternalCommandError);
    const details = (failure as ExternalCommandError).details;
    expect(details.exitCode).toBe(1);
    expect(details.signal).toBeNull();
    expect(details.stderrTail).toMatch(/Could not open/);
    expect(JSON.stringify(details)).not.toContain(secret);
    expect((failure as Error).message).not.toContain(secret);
    expect(details.args).toEqual(['info', missing.replace(secret, '***')]);
    expect(details.durationMs).toBeGreaterThanOrEqual(0);

    const notInstalled = await runCommand(`no-such-tool-${randomUUID()}`, []).catch(
      (error: unknown) => error,
    );
    expect(isFfoError(notInstalled) && notInstalled.code).toBe('DISK_TOOL_MISSING');

    const slow = await runCommand('sleep', ['30'], { timeoutMs: 200 }).catch((error: unknown) => error);
    expect(slow).toBeInstanceOf(ExternalCommandError);
    expect((slow as ExternalCommandError).details.timedOut).toBe(true);
    expect((slow as ExternalCommandError).retryable).toBe(true);
  });

  it('refuses VDDK when the plugin or library is missing', async () => {
    for (const libdir of [path.join(dir, 'no-such-vddk'), dir]) {
      const failure = await assertVddkAvailable(libdir).catch((error: unknown) => error);
      expect(isFfoError(failure) && failure.code).toBe('VDDK_UNAVAILABLE');
    }
  });

  it('wraps children so they die even when we are killed with SIGKILL', async () => {
    const setpriv = await setprivPath();
    expect(setpriv).not.toBeNull();
    const argv = parentDeathArgv('/usr/bin/sleep', ['300']);
    // A stand-in parent (plain node) starts the wrapped child like the runner does, then gets kill -9.
    const script =
      'const { spawn } = require("node:child_process");' +
      `const c = spawn(${JSON.stringify(setpriv)}, ${JSON.stringify(argv.args)}, { stdio: "ignore", detached: true });` +
      'console.log(c.pid); setInterval(() => {}, 1000);';
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim()))),
    );
    expect(alive(childPid)).toBe(true);
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await exited;
    // The kernel delivers the death signal asynchronously; there is no event to wait for.
    await waitUntil(`pid ${childPid} to die`, () => !alive(childPid));
  });
});
