// Builds the Migration Monitor page into dist/web (index.html, app.js, app.css): one ES2020 bundle with the
// graphql-ws client inside, so the page needs nothing from the internet when it runs.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');

// esbuild only strips types: the page is type-checked first (DOM lib, its own tsconfig), so a type error fails the build.
execFileSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'web', 'tsconfig.json')],
  {
    stdio: 'inherit',
  },
);
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, 'web', 'src', 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100'],
  tsconfig: join(root, 'web', 'tsconfig.json'),
  sourcemap: true,
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(join(root, 'web', 'index.html'), join(out, 'index.html'));
await copyFile(join(root, 'web', 'app.css'), join(out, 'app.css'));
console.log(`Migration Monitor built into ${out}`);
