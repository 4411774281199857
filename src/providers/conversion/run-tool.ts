// The one place where the conversion layer starts external programs (guestfish, virt-v2v-in-place):
// the disk layer's command runner (children die with us, ExternalCommandError on failure), always with
// the detected libguestfs environment.

import { runCommand, type CommandResult, type RunCommandOptions } from '../disk/command-runner.js';
import { libguestfsEnvironment } from './libguestfs-env.js';

export interface RunToolOptions extends Omit<RunCommandOptions, 'env'> {
  env?: Record<string, string>;
  /**
   * Append stderr to this file instead of a pipe: a daemonising tool (guestfish --listen) leaves its
   * background child holding stderr, so a pipe would never reach end-of-file.
   */
  stderrFile?: string;
}

export async function runTool(
  file: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<CommandResult> {
  const { stderrFile, env, ...rest } = options;
  const fullEnv = { ...libguestfsEnvironment().env, ...env };
  if (stderrFile === undefined) return runCommand(file, args, { ...rest, env: fullEnv });
  // sh -c 'exec "$@" 2>>"$0"' LOG FILE ARGS...: the redirection happens before exec, so no quoting issues.
  return runCommand('sh', ['-c', 'exec "$@" 2>>"$0"', stderrFile, file, ...args], { ...rest, env: fullEnv });
}
