import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetPath, monitorRoute } from '../../../src/web-monitor/monitor-route.js';
import { layerOf, place } from '../../../web/src/graph-layout.js';

describe('Migration Monitor route', () => {
  const root = mkdtempSync(join(tmpdir(), 'ffo-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');

  it('maps / to index.html and keeps every path inside the asset directory', () => {
    expect(assetPath(root, '/')).toBe(join(root, 'index.html'));
    expect(assetPath(root, '/app.js')).toBe(join(root, 'app.js'));
    expect(assetPath(root, '/../package.json')).toBeNull();
    expect(assetPath(root, '/%2e%2e/package.json')).toBeNull();
    expect(assetPath(root, '/..%2fpackage.json')).toBeNull();
    expect(assetPath(root, '/%00.js')).toBeNull();
    expect(assetPath(root, '/%E0%A4%A')).toBeNull();
    expect(assetPath(root, '/index.ts')).toBeNull();
  });

  it('answers only GET and HEAD for the page and its assets, so /graphql and the other routes pass', () => {
    const route = monitorRoute(root);
    expect(route.matches('/', 'GET')).toBe(true);
    expect(route.matches('/app.js', 'HEAD')).toBe(true);
    expect(route.matches('/', 'POST')).toBe(false);
    for (const path of ['/graphql', '/mcp', '/metrics', '/healthz', '/readyz', '/src/main.ts'])
      expect(route.matches(path, 'GET')).toBe(false);
  });
});

describe('Migration Monitor route over HTTP', () => {
  const serve = async (dir: string, paths: string[], method = 'GET') => {
    const route = monitorRoute(dir);
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void route.handle(req, res, url);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const answers = [];
      for (const path of paths) {
        const r = await fetch(`${base}${path}`, { method });
        answers.push({ status: r.status, type: r.headers.get('content-type'), body: await r.text() });
      }
      return answers;
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  };

  it('serves the files with their types, HEAD without a body, and says when the page is not built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ffo-web-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'app.css'), 'body{}');
    const [page, css, js] = await serve(dir, ['/', '/app.css', '/app.js']);
    expect(page).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><title>x</title>',
    });
    expect(css).toMatchObject({ status: 200, type: 'text/css; charset=utf-8', body: 'body{}' });
    expect(js).toMatchObject({ status: 404, body: 'not found' });
    const [head] = await serve(dir, ['/'], 'HEAD');
    expect(head).toMatchObject({ status: 200, body: '' });
    const [missing] = await serve(mkdtempSync(join(tmpdir(), 'ffo-web-empty-')), ['/']);
    expect(missing!.status).toBe(404);
    expect(missing!.body).toMatch(/not built .*node scripts\/build-web\.mjs/);
  });
});

describe('dependency graph layout', () => {
  it('puts a VM one column right of the deepest VM it depends on', () => {
    const layers = layerOf([
      { id: 'web', dependsOn: ['app'] },
      { id: 'app', dependsOn: ['db', 'cache'] },
      { id: 'db', dependsOn: [] },
      { id: 'cache', dependsOn: ['db'] },
      { id: 'lonely', dependsOn: ['not-shown'] },
    ]);
    expect(Object.fromEntries(layers)).toEqual({ db: 0, cache: 1, app: 2, web: 3, lonely: 0 });
  });

  it('keeps a cycle (a move group) in one column, after what it depends on, and gives every VM its own cell', () => {
    const nodes = [
      { id: 'a', dependsOn: ['b', 'db'] },
      { id: 'b', dependsOn: ['c'] },
      { id: 'c', dependsOn: ['a'] },
      { id: 'db', dependsOn: [] },
      { id: 'web', dependsOn: ['a'] },
    ];
    expect(Object.fromEntries(layerOf(nodes))).toEqual({ db: 0, a: 1, b: 1, c: 1, web: 2 });
    const placed = place(nodes);
    expect(new Set(placed.map((p) => `${p.layer}/${p.row}`)).size).toBe(5);
  });

  it('lays out a long chain without running out of stack', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => ({
      id: `vm${i}`,
      dependsOn: i > 0 ? [`vm${i - 1}`] : [],
    }));
    expect(layerOf(chain).get('vm19999')).toBe(19_999);
  });
});
