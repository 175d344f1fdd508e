import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/torque.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `torque` as a real child process (npm test builds dist/ first). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { input?: string; cwd?: string; withoutRootPowers?: boolean } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = { env, cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] };
    let command = process.execPath;
    let argv = [BIN, ...args];
    if (options.withoutRootPowers && process.getuid?.() === 0) {
      // Root reads any file; without its capabilities it meets file permissions like any user.
      argv = ['--bounding-set=-all', '--', command, ...argv];
      command = 'setpriv';
    }
    const child = spawn(command, argv, spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(options.input ?? '');
  });
}
