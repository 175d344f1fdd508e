/** Errors a user meets while rotating: each with its code and a message that says what to do. */
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolvePaths } from '../../../server/files/paths.js';
import { AwsFiles } from '../../../server/files/store.js';
import { runCli } from '../../helpers/cli.js';
import { sandboxHome } from '../../helpers/sandbox-home.js';
import { allKeyIds, assertInvariants } from './check.js';

const first = (stdout: string) => (JSON.parse(stdout) as { results: { error: { code: string; message: string } | null }[] }).results[0]!;

describe('rotation errors', () => {
  it('access denied quotes the action', async () => {
    const h = await sandboxHome();
    h.sandbox.faults.inject({
      action: 'CreateAccessKey',
      kind: 'error',
      times: Infinity,
      error: { code: 'AccessDenied', status: 403, message: 'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateAccessKey on resource: user bob' },
    });
    const result = await runCli(['rotate', 'bob', '--json'], h.env);
    assert.equal(result.code, 1);
    assert.equal(first(result.stdout).error!.code, 'ACCESS_DENIED');
    assert.match(first(result.stdout).error!.message, /AWS denied iam:CreateAccessKey/);
  });

  it('a key IAM does not know', async () => {
    const h = await sandboxHome();
    await new AwsFiles(resolvePaths(h.env)).update('credentials', (e) => e.setKeys('ghost', { aws_access_key_id: 'AKIAGHOSTGHOSTGHOST1', aws_secret_access_key: 'g'.repeat(40) }));
    const result = await runCli(['rotate', 'ghost', '--json'], h.env);
    assert.equal(result.code, 1);
    assert.equal(first(result.stdout).error!.code, 'INVALID_KEY');
    assert.match(first(result.stdout).error!.message, /AKIAGHOSTGHOSTGHOST1.*unknown, deleted or inactive/);
  });

  it('a file changed by another program while Torque worked: nothing written, the new key deleted', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const before = allKeyIds(h);
    h.sandbox.faults.inject({ action: 'CreateAccessKey', kind: 'delay', delayMs: 1500 });
    const running = runCli(['rotate', 'bob', '--json'], h.env);
    while (h.sandbox.calls('CreateAccessKey') === 0) await sleep(20);
    // Someone else puts another key into bob's profile meanwhile.
    const text = (await readFile(h.credentialsPath, 'utf8')).replace(bob.accessKeyId!, 'AKIAEDITEDBYHAND0001');
    await writeFile(h.credentialsPath, text);
    const result = await running;
    assert.equal(result.code, 1);
    assert.equal(first(result.stdout).error!.code, 'FILE_CHANGED');
    assert.match(first(result.stdout).error!.message, /no longer holds .*run the rotation again/);
    assert.equal(await readFile(h.credentialsPath, 'utf8'), text, 'their change is kept');
    assert.deepEqual(h.sandbox.keys('bob').map((k) => k.accessKeyId), [bob.accessKeyId], 'the new key was deleted');
    assert.ok(before.size > 0);
  });

  it('the file locked by another Torque for too long: FILE_LOCKED, the new key deleted, the old one kept', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const lockfile = (await import('proper-lockfile')).default;
    const release = await lockfile.lock(h.credentialsPath, { realpath: false, lockfilePath: `${h.credentialsPath}.torque-lock` });
    try {
      const result = await runCli(['rotate', 'bob', '--json'], { ...h.env, TORQUE_LOCK_WAIT_MS: '300' });
      assert.equal(result.code, 1);
      assert.equal(first(result.stdout).error!.code, 'FILE_LOCKED');
      assert.match(first(result.stdout).error!.message, /locked by another Torque process.*wait for it to finish and try again/);
    } finally {
      await release();
    }
    assert.equal((await h.profiles()).get('bob')!['aws_access_key_id'], bob.accessKeyId);
    assert.deepEqual(h.sandbox.keys('bob').map((k) => k.accessKeyId), [bob.accessKeyId]);
  });

  it('a rotation of the same key held elsewhere for too long: ROTATION_IN_PROGRESS', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const { PendingRotations } = await import('../../../server/aws/rotation/pending.js');
    const release = await new PendingRotations(`${h.home}/.torque`).lock(bob.accessKeyId!, ['bob']);
    try {
      const result = await runCli(['rotate', 'bob', '--json'], h.env);
      assert.equal(result.code, 1);
      assert.equal(first(result.stdout).error!.code, 'ROTATION_IN_PROGRESS');
      assert.equal(h.sandbox.calls('CreateAccessKey'), 0);
    } finally {
      await release();
    }
  });

  it('an mfa_serial IAM does not know: MFA_DEVICE_NOT_FOUND', async () => {
    const h = await sandboxHome();
    await writeFile(h.configPath, (await readFile(h.configPath, 'utf8')).replace(/mfa_serial = (\S+)alice/, 'mfa_serial = $1nobody'));
    const result = await runCli(['rotate', 'alice', '--json', '--code', '123456'], h.env);
    assert.equal(result.code, 1);
    assert.equal(first(result.stdout).error!.code, 'MFA_DEVICE_NOT_FOUND');
    assert.match(first(result.stdout).error!.message, /check mfa_serial/);
  });

  it("a stored session of another user: KEY_NOT_IN_IAM, nothing created", async () => {
    const h = await sandboxHome();
    const carol = h.sandbox.users.find((u) => u.name === 'carol')!;
    const { STSClient, GetSessionTokenCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({ endpoint: h.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: carol.accessKeyId!, secretAccessKey: carol.secretAccessKey! } });
    const { Credentials: c } = await sts.send(new GetSessionTokenCommand({ SerialNumber: carol.mfaSerial!, TokenCode: h.sandbox.freshCode(carol.mfaSerial!) }));
    // A session profile that claims to be alice's but holds carol's session.
    await new AwsFiles(resolvePaths(h.env)).update('credentials', (e) =>
      e.setKeys('alice-mfa', { aws_access_key_id: c!.AccessKeyId!, aws_secret_access_key: c!.SecretAccessKey!, aws_session_token: c!.SessionToken!, expiration: c!.Expiration!.toISOString(), torque_source_profile: 'alice' }),
    );
    const result = await runCli(['rotate', 'alice', '--json'], h.env);
    assert.equal(result.code, 1);
    assert.equal(first(result.stdout).error!.code, 'KEY_NOT_IN_IAM');
    assert.equal(h.sandbox.calls('CreateAccessKey'), 0);
  });

  it('the network gone: a clear NETWORK error and nothing changed', async () => {
    const h = await sandboxHome();
    const env = { ...h.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', TORQUE_AWS_TIMEOUT_MS: '500' };
    const text = await readFile(h.credentialsPath, 'utf8');
    // endpoint_url in the profile would still reach the sandbox; the variable wins, as in the SDK.
    const result = await runCli(['rotate', 'bob', '--json'], env);
    assert.equal(result.code, 1);
    assert.equal(first(result.stdout).error!.code, 'NETWORK');
    assert.match(first(result.stdout).error!.message, /could not reach AWS .* at http:\/\/127\.0\.0\.1:9.*check the network/);
    assert.equal(await readFile(h.credentialsPath, 'utf8'), text);
  });

  it('propagation: with new keys taking 5 s to work, the rotation still succeeds', async () => {
    const h = await sandboxHome({ propagationMs: 5000 });
    const before = allKeyIds(h);
    const result = await runCli(['rotate', 'bob'], h.env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(h.sandbox.calls('GetCallerIdentity') > 1, 'verify retried while the key propagated');
    await assertInvariants(h, before, result);
  });
});
