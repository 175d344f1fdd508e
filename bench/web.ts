/** The web app: start-up to the first answer, the page's weight, and /api/profiles under load. */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type BenchSection, median, ms } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROFILES = 1000;

async function homeWithProfiles(tmp: string): Promise<string> {
  const home = join(tmp, 'web-home');
  await mkdir(join(home, '.aws'), { recursive: true });
  let credentials = '';
  let config = '';
  for (let i = 0; i < PROFILES; i++) {
    credentials += `[p${i}]\naws_access_key_id = AKIA${String(i).padStart(16, '0')}\naws_secret_access_key = ${'s'.repeat(40)}\n\n`;
    config += `[profile p${i}]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/u${i}\n\n`;
  }
  await writeFile(join(home, '.aws/credentials'), credentials);
  await writeFile(join(home, '.aws/config'), config);
  return home;
}

/** From `torque serve` being started to its first /api/profiles answer, through the token sign-in. */
async function startToFirstAnswer(home: string): Promise<number> {
  const started = performance.now();
  const server = await serveProcess(home);
  try {
    const answer = await fetch(`${server.base}/api/profiles`, { headers: { cookie: server.cookie } });
    if (answer.status !== 200) throw new Error(`status ${answer.status}`);
    await answer.json();
    return performance.now() - started;
  } finally {
    server.stop();
  }
}

async function bundleSize(): Promise<{ raw: number; gzip: number; files: number }> {
  const folder = join(ROOT, 'dist/web/assets');
  let raw = 0;
  let gzip = 0;
  const files = (await readdir(folder)).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  for (const file of files) {
    const bytes = await readFile(join(folder, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: files.length };
}

/** `torque serve` in its own process, as a user runs it, signed in. */
function serveProcess(home: string): Promise<{ base: string; cookie: string; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/torque.js'), 'serve', '--no-open', '--port', '0'], {
      env: { PATH: process.env['PATH'], HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', async (chunk: string) => {
      out += chunk;
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out)?.[0];
      if (!url) return;
      child.stdout.removeAllListeners('data');
      try {
        const signIn = await fetch(url, { redirect: 'manual' });
        resolve({ base: new URL(url).origin, cookie: signIn.headers.get('set-cookie')!.split(';')[0]!, stop: () => child.kill('SIGTERM') });
      } catch (error) {
        child.kill('SIGTERM');
        reject(error);
      }
    });
  });
}

async function underLoad(home: string) {
  const server = await serveProcess(home);
  try {
    return await autocannon({ url: `${server.base}/api/profiles`, connections: 50, duration: 8, headers: { cookie: server.cookie } });
  } finally {
    server.stop();
  }
}

export async function benchWeb(tmp: string): Promise<BenchSection> {
  const home = await homeWithProfiles(tmp);
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push(await startToFirstAnswer(home));
  const bundle = await bundleSize();
  const load = await underLoad(home);
  const errors = load.errors + load.non2xx + load.timeouts;
  return {
    title: 'Web app (issue 6)',
    lines: [
      `Files with ${PROFILES} profiles (credentials and config).`,
      '',
      '| what | result | goal |',
      '| --- | --- | --- |',
      `| \`torque serve\` start to first \`/api/profiles\` answer (median of 5, new process, sign-in included) | ${ms(median(starts))} | < 500 ms |`,
      `| page JS + CSS (${bundle.files} files) | ${(bundle.raw / 1024).toFixed(1)} KB raw, ${(bundle.gzip / 1024).toFixed(1)} KB gzipped | < 40 KB gzipped |`,
      `| \`/api/profiles\` under 50 concurrent clients for 8 s (autocannon; \`torque serve\` in its own process): requests | ${load.requests.total} (${load.requests.average.toFixed(0)}/s) | |`,
      `| … latency p50 | ${ms(load.latency.p50)} | |`,
      `| … latency p99 | ${ms(load.latency.p99)} | < 50 ms |`,
      `| … errors (errors + non-2xx + timeouts) | ${errors} | 0 |`,
    ],
  };
}
