#!/usr/bin/env node
// The CLI runs from the compiled output; `make build` (or `npm run build`) produces it.
// A deployment runs graphql-js without its development-time checks (they cost on every field it resolves);
// set before the CLI's modules load, since graphql reads it once at import.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli/ffo.js');
