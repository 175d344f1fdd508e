import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh temp folder, removed when the test file ends. */
export async function tempDir(prefix = 'torque-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  after(async () => {
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A temp HOME with the env a Torque process would see there (no AWS_* paths, no TORQUE_HOME). */
export async function tempHome(): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = await tempDir('torque-home-');
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: home, LANG: 'C.UTF-8' };
  return { home, env };
}
