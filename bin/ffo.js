#!/usr/bin/env node
// The CLI runs from the compiled output; `make build` (or `npm run build`) produces it.
import '../dist/cli/ffo.js';
