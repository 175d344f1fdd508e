/** Parse and list 2,000-profile files, in-process and through the CLI; `torque --help` beside bare node. */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePaths } from '../dist/server/files/paths.js';
import { AwsFiles } from '../dist/server/files/store.js';
import { type BenchSection, median, ms, percentile, time } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/torque.js');
const PROFILES = 2000;

function credentialsText(): string {
  let out = '# generated for the benchmark\n';
  for (let i = 0; i < PROFILES; i++) {
    const id = `AKIA${String(i).padStart(16, '0')}`;
    out += `[profile-${i}]\naws_access_key_id = ${id}\naws_secret_access_key = ${'s'.repeat(36)}${String(i).padStart(4, '0')}\n\n`;
  }
  return out;
}

function configText(): string {
  let out = '[default]\nregion = us-east-1\n\n';
  for (let i = 0; i < PROFILES; i++) {
    out += `# profile ${i}\n[profile profile-${i}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/user-${i}\n`;
    if (i % 4 === 0) out += `[profile role-${i}]\nrole_arn = arn:aws:iam::123456789012:role/R${i}\nsource_profile = profile-${i}\n`;
  }
  return out;
}

function wall(command: string, args: string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { env, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  }
  return samples;
}

export async function benchFiles(tmp: string): Promise<BenchSection> {
  const home = join(tmp, 'home');
  await mkdir(join(home, '.aws'), { recursive: true });
  await writeFile(join(home, '.aws/credentials'), credentialsText());
  await writeFile(join(home, '.aws/config'), configText());
  const env = { PATH: process.env['PATH'], HOME: home };
  const store = new AwsFiles(resolvePaths(env));

  await store.profiles(); // warm up
  // A new store each time: the store keeps the last answer while the files are unchanged, and this measures the reading.
  const inProcess = await time(30, () => new AwsFiles(resolvePaths(env)).profiles());
  const credentialsOnly = await time(30, () => store.readFile('credentials'));
  const configOnly = await time(30, () => store.readFile('config'));
  const listCli = wall(process.execPath, [BIN, 'list', '--json'], env, 10);
  const help = wall(process.execPath, [BIN, '--help'], env, 15);
  const bare = wall(process.execPath, ['-e', '0'], env, 15);
  const count = (await store.profiles()).profiles.length;
  const overhead = median(help) - median(bare);
  return {
    title: 'AWS files and CLI start-up (issue 2)',
    lines: [
      `Files: ${PROFILES} credentials profiles and ${PROFILES} config profiles (+${PROFILES / 4} roles): ${count} profiles listed.`,
      '',
      '| what | median | p99 | goal |',
      '| --- | --- | --- | --- |',
      `| read + parse credentials (${PROFILES} profiles) | ${ms(median(credentialsOnly))} | ${ms(percentile(credentialsOnly, 99))} | |`,
      `| read + parse config (${PROFILES} profiles) | ${ms(median(configOnly))} | ${ms(percentile(configOnly, 99))} | |`,
      `| read, parse and build the list of both (in-process) | ${ms(median(inProcess))} | ${ms(percentile(inProcess, 99))} | < 50 ms |`,
      `| \`torque list --json\` wall time (new process) | ${ms(median(listCli))} | ${ms(percentile(listCli, 99))} | |`,
      `| \`torque --help\` wall time | ${ms(median(help))} | ${ms(percentile(help, 99))} | |`,
      `| \`node -e 0\` wall time | ${ms(median(bare))} | ${ms(percentile(bare, 99))} | |`,
      `| \`torque --help\` minus bare node | ${ms(overhead)} | | < 150 ms |`,
    ],
  };
}
