import { mkdtempSync, writeFileSync } from 'node:fs';
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

  it('ends on a cycle (a move group) and gives every VM its own row in its column', () => {
    const placed = place([
      { id: 'a', dependsOn: ['b'] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: [] },
    ]);
    expect(placed).toHaveLength(3);
    const cells = new Set(placed.map((p) => `${p.layer}/${p.row}`));
    expect(cells.size).toBe(3);
    for (const p of placed) expect(p.layer).toBeLessThan(3);
  });
});
