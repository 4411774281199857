import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRoute } from '../api/http-route.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Where the built page lives: dist/web next to dist/web-monitor when running from dist/, and the repository's
 * dist/web when this module is run from src/ (ts-jest). The first that holds an index.html wins.
 */
export function monitorAssetDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [resolve(here, '../web'), resolve(here, '../../dist/web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

/** The file a request path names inside `root`, or null when it would leave it or has no known type. */
export function assetPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = resolve(root, relative);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  return CONTENT_TYPES[extname(file)] ? file : null;
}

/**
 * The Migration Monitor: the static page from dist/web at `/`. It holds no data of its own; everything it shows
 * comes from /graphql with the signed-in user's token, so this route needs no authentication.
 */
export function monitorRoute(root: string = monitorAssetDir()): HttpRoute {
  const names = new Set(['/', '/index.html', '/app.js', '/app.js.map', '/app.css', '/favicon.ico']);
  return {
    name: 'monitor',
    matches: (pathname, method) => (method === 'GET' || method === 'HEAD') && names.has(pathname),
    async handle(req, res, url) {
      const file = assetPath(root, url.pathname);
      const body = file ? await readFile(file).catch(() => null) : null;
      if (!file || !body) {
        const page = url.pathname === '/' || url.pathname === '/index.html';
        res
          .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
          .end(
            page
              ? `the Migration Monitor is not built in ${root} (node scripts/build-web.mjs)\n`
              : 'not found',
          );
        return;
      }
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)]!,
        'content-length': body.length,
        // The bundle is rebuilt in place, so the browser must ask again rather than keep a stale copy.
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}
