import { loadLabEnv } from '../config/lab-env.js';
import { isFfoError } from '../errors/index.js';
import { buildCli } from './main.js';

loadLabEnv();
buildCli()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (isFfoError(error)) {
      console.error(`ffo: ${error.code}: ${error.message}`);
      const problems = error.details.problems as { line: number; message: string }[] | undefined;
      for (const p of problems ?? []) console.error(`  line ${p.line}: ${p.message}`);
    } else {
      console.error(`ffo: ${(error as Error).stack ?? String(error)}`);
    }
    process.exitCode = 2;
  });
