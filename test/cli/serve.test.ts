/** `torque serve` and `torque demo` as processes: the printed link, loopback only, a taken port, a clean stop. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

/** Starts a long-running command and resolves with its first lines of output once `ready` matches. */
async function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (ready.test(stdout)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before it was ready: ${stderr}`)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

describe('torque serve', () => {
  it('prints the token link on 127.0.0.1, signs in with it, and stops cleanly on Ctrl-C', async () => {
    const { env } = await tempHome();
    const serve = await start(['serve', '--no-open', '--port', '0'], env, /\?token=\S+\n/);
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(serve.stdout())!;
    assert.ok(url, serve.stdout());
    assert.equal(url[2]!.length, 43, 'a 32-byte token');
    const signIn = await fetch(url[0], { redirect: 'manual' });
    assert.equal(signIn.status, 303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const profiles = await fetch(`http://127.0.0.1:${url[1]}/api/profiles`, { headers: { cookie } });
    assert.equal(profiles.status, 200);
    serve.child.kill('SIGINT');
    const [code] = await once(serve.child, 'exit');
    assert.equal(code, 0, serve.stderr());
  });

  it('a taken port is a clear error, not a silent switch', async () => {
    const { env } = await tempHome();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(['serve', '--no-open', '--port', String(port)], env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use .*choose another with --port N`));
    } finally {
      blocker.close();
    }
  });

  it('a bad --port is a usage error', async () => {
    const { env } = await tempHome();
    const result = await runCli(['serve', '--port', 'http'], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port takes a number/);
  });
});

describe('torque demo', () => {
  it('serves the sandbox with throwaway files and the demo codes, and removes the files when stopped', async () => {
    const { env } = await tempHome();
    const demo = await start(['demo', '--no-open', '--port', '0'], env, /Press Ctrl-C to stop/);
    const out = demo.stdout();
    const folder = /throwaway files in (\S+)/.exec(out)![1]!;
    assert.ok(existsSync(`${folder}/aws/credentials`));
    assert.match(out, /alice \d{6}, carol \d{6}/);
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=[\w-]+/.exec(out)!;
    const cookie = (await fetch(url[0], { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
    const demoCodes = (await (await fetch(`http://127.0.0.1:${url[1]}/api/demo`, { headers: { cookie } })).json()) as { devices: unknown[] };
    assert.equal(demoCodes.devices.length, 2);
    demo.child.kill('SIGTERM');
    const [code] = await once(demo.child, 'exit');
    assert.equal(code, 0, demo.stderr());
    assert.equal(existsSync(folder), false, 'the throwaway folder is gone');
  });
});
