/**
 * A rotation killed (SIGKILL) at its two dangerous moments. The next run must find what the dead one
 * left, put it right, and say what it did.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, ROOT, runCli } from '../../helpers/cli.js';
import { keyWorks, type SandboxHome, sandboxHome } from '../../helpers/sandbox-home.js';
import { allKeyIds, assertInvariants } from './check.js';

/** Starts `torque rotate bob` and kills it with SIGKILL once `ready()` holds. */
async function killWhen(h: SandboxHome, ready: () => boolean): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'rotate', 'bob'], { env: h.env, cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the moment to kill never came');
    await sleep(20);
  }
  child.kill('SIGKILL');
  await exited;
}

describe('crash recovery', () => {
  it('killed while CreateAccessKey is in flight: the next run deletes the orphan key and reports it', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const before = allKeyIds(h);
    // AWS makes the key, the answer never comes, and the process dies waiting.
    h.sandbox.faults.inject({ action: 'CreateAccessKey', kind: 'hang', when: 'after' });
    await killWhen(h, () => h.sandbox.keys('bob').length === 2);
    const orphan = h.sandbox.keys('bob').find((k) => k.accessKeyId !== bob.accessKeyId)!;
    assert.equal((await h.profiles()).get('bob')!['aws_access_key_id'], bob.accessKeyId, 'the file still holds the old key');
    assert.equal((await readdir(join(h.home, '.torque/pending'))).length, 1, 'the pending record survived');

    h.sandbox.faults.clear();
    const result = await runCli(['rotate', 'bob'], h.env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`deleted key ${orphan.accessKeyId}, left without a profile by a rotation interrupted on`));
    const keys = h.sandbox.keys('bob').map((k) => k.accessKeyId);
    assert.equal(keys.length, 1);
    assert.equal((await h.profiles()).get('bob')!['aws_access_key_id'], keys[0]);
    assert.deepEqual(await readdir(join(h.home, '.torque/pending')), []);
    await assertInvariants(h, before, { ...result, stdout: `${result.stdout}${orphan.accessKeyId}` });
  });

  it('killed while verify is retrying: the next run finishes the rotation and retires the old key', async () => {
    const h = await sandboxHome({ propagationMs: 10 * 60_000 });
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const before = allKeyIds(h);
    await killWhen(h, () => h.sandbox.calls('GetCallerIdentity') >= 2);
    const saved = (await h.profiles()).get('bob')!;
    assert.notEqual(saved['aws_access_key_id'], bob.accessKeyId, 'the new key was saved before verify');
    assert.equal(h.sandbox.keys('bob').length, 2);

    h.sandbox.configure({ propagationMs: 0 });
    const result = await runCli(['rotate', 'bob', '--json'], h.env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const [r] = (JSON.parse(result.stdout) as { results: { status: string; oldAccessKeyId: string; newAccessKeyId: string; notes: string[] }[] }).results;
    assert.equal(r!.status, 'rotated');
    assert.equal(r!.oldAccessKeyId, bob.accessKeyId);
    assert.equal(r!.newAccessKeyId, saved['aws_access_key_id']);
    assert.match(r!.notes.join(), /finished a rotation interrupted on/);
    assert.deepEqual(h.sandbox.keys('bob').map((k) => k.accessKeyId), [saved['aws_access_key_id']]);
    assert.ok(await keyWorks(h.sandbox, saved['aws_access_key_id']!, saved['aws_secret_access_key']!));
    await assertInvariants(h, before, result);
  });
});

describe('rotations that meet each other', () => {
  it('a second rotation of the same key waits for the first, then finds nothing to do', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const before = allKeyIds(h);
    h.sandbox.faults.inject({ action: 'CreateAccessKey', kind: 'delay', delayMs: 1500 });
    const first = runCli(['rotate', 'bob', '--json'], h.env);
    while (h.sandbox.calls('CreateAccessKey') === 0) await sleep(20);
    const second = await runCli(['rotate', 'bob', '--json'], h.env);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const [waited] = (JSON.parse(second.stdout) as { results: { status: string; error: { code: string; message: string } }[] }).results;
    assert.equal(waited!.status, 'skipped');
    assert.match(waited!.error.message, /another Torque rotated it meanwhile/);
    assert.equal(h.sandbox.calls('CreateAccessKey'), 1, 'one new key, not two');
    const done = await first;
    assert.equal(done.code, 0, done.stdout + done.stderr);
    const keys = h.sandbox.keys('bob').map((k) => k.accessKeyId);
    assert.equal(keys.length, 1);
    assert.notEqual(keys[0], bob.accessKeyId);
    await assertInvariants(h, before, { ...done, stdout: done.stdout + second.stdout });
  });

  it('an old pending record does not make Torque delete a key made long after it', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(h.home, '.torque/pending'), { recursive: true });
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await writeFile(
      join(h.home, '.torque/pending', `${bob.accessKeyId}.json`),
      JSON.stringify({ oldAccessKeyId: bob.accessKeyId, userName: 'bob', profiles: ['bob'], knownKeyIds: [bob.accessKeyId], startedAt: monthAgo }),
    );
    // Someone made a second key for CI on another machine today; no local profile holds it.
    const { IAMClient, CreateAccessKeyCommand } = await import('@aws-sdk/client-iam');
    const iam = new IAMClient({ endpoint: h.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: bob.accessKeyId!, secretAccessKey: bob.secretAccessKey! } });
    const ci = (await iam.send(new CreateAccessKeyCommand({}))).AccessKey!.AccessKeyId!;
    const result = await runCli(['rotate', 'bob', '--json'], h.env);
    assert.ok(h.sandbox.keys('bob').some((k) => k.accessKeyId === ci), 'the CI key is still there');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /KEY_LIMIT/);
  });

  it('an interrupted rotation of another profile is mentioned, not forgotten', async () => {
    const h = await sandboxHome();
    h.sandbox.faults.inject({ action: 'CreateAccessKey', kind: 'hang', when: 'after' });
    await killWhen(h, () => h.sandbox.keys('bob').length === 2);
    h.sandbox.faults.clear();
    const other = await runCli(['rotate', 'dave', '--delete-unused', '--json'], h.env);
    assert.equal(other.code, 0, other.stdout + other.stderr);
    assert.match(other.stderr, /a rotation of bob was interrupted on .*; rotate bob again/);
    assert.match((JSON.parse(other.stdout) as { warnings: string[] }).warnings.join(), /a rotation of bob was interrupted/);
  });

  it('refuses a key that a config-file profile holds too', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const { appendFile } = await import('node:fs/promises');
    await appendFile(h.configPath, `\n[profile bob-elsewhere]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`);
    const result = await runCli(['rotate', 'bob', '--json'], h.env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /KEY_IN_CONFIG/);
    assert.match(result.stdout, /also in the config file for bob-elsewhere/);
    assert.equal(h.sandbox.calls('CreateAccessKey'), 0);
  });
});
