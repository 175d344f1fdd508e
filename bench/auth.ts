/** `torque auth` wall time against the sandbox, beside the same AWS calls from a bare SDK script. */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../dist/server/sandbox/index.js';
import { profileFiles, writeProfiles } from '../dist/server/sandbox/profiles.js';
import { type BenchSection, median, ms } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 10;

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${args.join(' ')}: ${stderr}`))));
  });
}

export async function benchAuth(tmp: string): Promise<BenchSection> {
  const sandbox = await startSandbox({ log: () => undefined });
  try {
    const home = await mkdtemp(join(tmp, 'auth-'));
    await writeProfiles(join(home, '.aws'), profileFiles(sandbox));
    const env = { PATH: process.env['PATH'], HOME: home, AWS_ENDPOINT_URL: sandbox.endpoint };
    const alice = sandbox.users.find((u) => u.name === 'alice')!;
    const torque: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      torque.push(await timed([join(ROOT, 'bin/torque.js'), 'auth', 'alice', '--force', '--code', sandbox.freshCode(alice.mfaSerial!)], env));
      floor.push(
        await timed(
          [join(ROOT, 'bench/auth-floor.mjs'), sandbox.endpoint, alice.accessKeyId!, alice.secretAccessKey!, alice.mfaSerial!, sandbox.freshCode(alice.mfaSerial!)],
          { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        ),
      );
    }
    return {
      title: 'torque auth (issue 5)',
      lines: [
        `Median of ${RUNS} runs, each a new process, against the sandbox on 127.0.0.1 (no added latency).`,
        'The floor is a bare Node script making the same AWS calls with the SDK (GetSessionToken, GetCallerIdentity).',
        '',
        '| what | median wall time |',
        '| --- | --- |',
        `| \`torque auth alice --force --code …\` (reads files, MFA session, writes alice-mfa) | ${ms(median(torque))} |`,
        `| bare SDK script (the floor) | ${ms(median(floor))} |`,
        `| ratio | ${(median(torque) / median(floor)).toFixed(2)}x |`,
      ],
    };
  } finally {
    await sandbox.close();
  }
}
