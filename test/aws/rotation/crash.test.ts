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
