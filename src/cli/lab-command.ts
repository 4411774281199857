import { execa } from 'execa';
import { REPO_ROOT } from '../config/lab-env.js';

/** `ffo lab up|down|status` run the lab's own scripts; they own the processes and their pid files. */
export async function runLabScript(action: 'up' | 'down' | 'status', args: string[]): Promise<number> {
  const result = await execa('bash', [`${REPO_ROOT}lab/${action}.sh`, ...args], {
    stdio: 'inherit',
    reject: false,
  });
  return result.exitCode ?? 1;
}
