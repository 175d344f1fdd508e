/** `torque rotate` as a user runs it: a child process, a temp HOME, the sandbox AWS over HTTP. */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { keyWorks, sandboxHome } from '../../helpers/sandbox-home.js';
import { lineDiff } from '../../files/diff.js';
import { allKeyIds, assertInvariants } from './check.js';

interface JsonResult {
  profiles: string[];
  status: string;
  oldAccessKeyId: string | null;
  newAccessKeyId: string | null;
  oldKey: string | null;
  error: { code: string; message: string } | null;
}

const parse = (stdout: string) => (JSON.parse(stdout) as { results: JsonResult[] }).results;

describe('torque rotate', () => {
  it('rotates a user without MFA: new key saved and working, old key deleted, every other byte unchanged', async () => {
    const h = await sandboxHome();
    const before = await readFile(h.credentialsPath, 'utf8');
    const configBefore = await readFile(h.configPath, 'utf8');
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const keysBefore = allKeyIds(h);
    const result = await runCli(['rotate', 'bob', '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    const [r] = parse(result.stdout);
    assert.deepEqual({ ...r, newAccessKeyId: 'x' }, { profiles: ['bob'], status: 'rotated', oldAccessKeyId: bob.accessKeyId, newAccessKeyId: 'x', oldKey: 'deleted', error: null, notes: [] });
    const bobNow = (await h.profiles()).get('bob')!;
    assert.equal(bobNow['aws_access_key_id'], r!.newAccessKeyId);
    assert.ok(await keyWorks(h.sandbox, bobNow['aws_access_key_id']!, bobNow['aws_secret_access_key']!));
    assert.deepEqual(h.sandbox.keys('bob').map((k) => k.accessKeyId), [r!.newAccessKeyId]);
    const diff = lineDiff(before, await readFile(h.credentialsPath, 'utf8'));
    assert.equal(diff.changed.length, 2, 'only the two key lines changed');
    assert.deepEqual(diff.inserted.concat(diff.removed), []);
    assert.equal(await readFile(h.configPath, 'utf8'), configBefore);
    assert.equal((await stat(h.credentialsPath)).mode & 0o777, 0o600);
    await assertInvariants(h, keysBefore, result);
    // The audit line names the keys and the user, never the secret.
    const audit = (await readFile(join(h.home, '.torque/audit.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(audit.length, 1);
    assert.equal(audit[0].userArn, bob.arn);
    assert.equal(audit[0].oldAccessKeyId, bob.accessKeyId);
    assert.equal(audit[0].newAccessKeyId, r!.newAccessKeyId);
    assert.equal(audit[0].oldKey, 'deleted');
    for (const secret of await h.secrets()) assert.ok(!JSON.stringify(audit).includes(secret));
    assert.equal((await stat(join(h.home, '.torque/audit.log'))).mode & 0o777, 0o600);
  });

  it('rotates a user under the force-MFA policy with one code, deactivating the old key when asked', async () => {
    const h = await sandboxHome();
    const alice = h.sandbox.users.find((u) => u.name === 'alice')!;
    const keysBefore = allKeyIds(h);
    const before = await readFile(h.credentialsPath, 'utf8');
    const code = h.sandbox.freshCode(alice.mfaSerial!);
    const result = await runCli(['rotate', 'alice', '--code', code, '--old-key', 'deactivate'], h.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^rotated {2}alice: AKIA\w+ → AKIA\w+ \(old key deactivated\)$/m);
    assert.match(result.stdout, /^1 rotated, 0 failed, 0 skipped$/m);
    const keys = h.sandbox.keys('alice');
    assert.equal(keys.find((k) => k.accessKeyId === alice.accessKeyId)!.status, 'Inactive');
    // The MFA session lived in memory only: the file changed in alice's two key lines and nowhere else.
    const diff = lineDiff(before, await readFile(h.credentialsPath, 'utf8'));
    assert.equal(diff.changed.length, 2, JSON.stringify(diff));
    assert.deepEqual(diff.inserted.concat(diff.removed), []);
    assert.ok(!(await h.profiles()).has('alice-mfa'));
    await assertInvariants(h, keysBefore, result);
  });

  it('updates both profiles of a shared key and finds the MFA device with ListMFADevices', async () => {
    const h = await sandboxHome();
    const carol = h.sandbox.users.find((u) => u.name === 'carol')!;
    const keysBefore = allKeyIds(h);
    const code = h.sandbox.freshCode(carol.mfaSerial!);
    // The code comes as a line on stdin (not a terminal), asked on stderr.
    const result = await runCli(['rotate', 'carol-ci', '--json'], h.env, { input: `${code}\n` });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`MFA code for ${carol.mfaSerial}`));
    const [r] = parse(result.stdout);
    assert.deepEqual(r!.profiles, ['carol-ci', 'carol']);
    const now = await h.profiles();
    assert.equal(now.get('carol')!['aws_access_key_id'], r!.newAccessKeyId);
    assert.equal(now.get('carol-ci')!['aws_access_key_id'], r!.newAccessKeyId);
    assert.equal(h.sandbox.calls('ListMFADevices'), 1);
    await assertInvariants(h, keysBefore, result);
  });

  it('refuses the two-key case naming the other key, and deletes it with --delete-unused', async () => {
    const h = await sandboxHome();
    const keysBefore = allKeyIds(h);
    const other = h.sandbox.keys('dave').find((k) => k.status === 'Inactive')!;
    const refused = await runCli(['rotate', 'dave'], h.env);
    assert.equal(refused.code, 1);
    assert.ok(refused.stdout.includes(other.accessKeyId), refused.stdout);
    assert.match(refused.stdout, /Inactive, last used \d{4}-\d\d-\d\d, in no profile/);
    assert.match(refused.stdout, /--delete-unused/);
    assert.match(refused.stdout, /\[KEY_LIMIT\]/);
    assert.equal(h.sandbox.keys('dave').length, 2);
    const done = await runCli(['rotate', 'dave', '--delete-unused'], h.env);
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.match(done.stdout, new RegExp(`deleted the unused key ${other.accessKeyId}`));
    assert.equal(h.sandbox.keys('dave').length, 1);
    await assertInvariants(h, keysBefore, done);
  });

  it('will not delete a second key that a local profile holds, even with --delete-unused', async () => {
    const h = await sandboxHome();
    const other = h.sandbox.state.users.get('dave')!.keys.find((k) => k.status === 'Inactive')!;
    const { AwsFiles } = await import('../../../server/files/store.js');
    const { resolvePaths } = await import('../../../server/files/paths.js');
    await new AwsFiles(resolvePaths(h.env)).update('credentials', (e) => e.setKeys('dave-old', { aws_access_key_id: other.id, aws_secret_access_key: other.secret }));
    const result = await runCli(['rotate', 'dave', '--delete-unused'], h.env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /both are in your files: .*\(dave\) and .*\(dave-old\)/);
    assert.equal(h.sandbox.keys('dave').length, 2, 'nothing deleted');
  });

  it('will not delete a second key used in the last 30 days', async () => {
    const h = await sandboxHome();
    const dave = h.sandbox.state.users.get('dave')!;
    const other = dave.keys.find((k) => k.status === 'Inactive')!;
    other.lastUsed = { at: h.sandbox.clock.now() - 3 * 86_400_000, service: 'iam', region: 'us-east-1' };
    const result = await runCli(['rotate', 'dave', '--delete-unused'], h.env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /used in the last 30 days/);
    assert.equal(h.sandbox.keys('dave').length, 2);
  });

  it('rotate all: every static profile of the credentials file, others skipped with the reason, one code per device', async () => {
    const h = await sandboxHome();
    const keysBefore = allKeyIds(h);
    // A session profile and an incomplete one join the file.
    const { AwsFiles } = await import('../../../server/files/store.js');
    const { resolvePaths } = await import('../../../server/files/paths.js');
    await new AwsFiles(resolvePaths(h.env)).update('credentials', (e) => {
      e.setKeys('alice-mfa', { aws_access_key_id: 'ASIAEXAMPLESESSION01', aws_secret_access_key: 'x'.repeat(40), aws_session_token: 'tok', expiration: '2000-01-01T00:00:00Z', torque_source_profile: 'alice' });
      e.setKeys('half', { region: 'us-east-1' });
      // The other kinds can live in the credentials file too.
      e.setKeys('cred-role', { role_arn: 'arn:aws:iam::123456789012:role/admin', source_profile: 'alice' });
      e.setKeys('cred-process', { credential_process: '/usr/local/bin/creds' });
      e.setKeys('cred-sso', { sso_session: 'corp', sso_account_id: '123456789012' });
    });
    const alice = h.sandbox.users.find((u) => u.name === 'alice')!;
    const carol = h.sandbox.users.find((u) => u.name === 'carol')!;
    const codes = [`${alice.mfaSerial}=${h.sandbox.freshCode(alice.mfaSerial!)}`, `${carol.mfaSerial}=${h.sandbox.freshCode(carol.mfaSerial!)}`];
    const result = await runCli(['rotate', 'all', '--delete-unused', '--json', ...codes.flatMap((c) => ['--code', c])], h.env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const results = parse(result.stdout);
    const byProfile = new Map(results.map((r) => [r.profiles[0], r]));
    for (const name of ['alice', 'bob', 'carol', 'dave']) assert.equal(byProfile.get(name)?.status, 'rotated', name);
    assert.equal(results.filter((r) => r.status === 'rotated').length, 4, 'carol-ci rotated with carol, once');
    assert.equal(byProfile.get('alice-mfa')!.status, 'skipped');
    assert.match(byProfile.get('alice-mfa')!.error!.message, /temporary session key; rotate "alice"/);
    assert.equal(byProfile.get('half')!.status, 'skipped');
    assert.match(byProfile.get('cred-role')!.error!.message, /is a role; rotate its source profile "alice"/);
    assert.match(byProfile.get('cred-process')!.error!.message, /credential_process/);
    assert.match(byProfile.get('cred-sso')!.error!.message, /SSO/);
    for (const name of ['cred-role', 'cred-process', 'cred-sso']) assert.equal(byProfile.get(name)!.status, 'skipped', name);
    assert.equal(h.sandbox.calls('GetSessionToken'), 2, 'one session per MFA device');
    await assertInvariants(h, keysBefore, result);
  });

  it('refuses early what cannot work: unknown profile, a role, a session; exit 1 and the file untouched', async () => {
    const h = await sandboxHome();
    const before = await readFile(h.credentialsPath, 'utf8');
    const result = await runCli(['rotate', 'nope', 'admin', '--json'], h.env);
    assert.equal(result.code, 1);
    const [nope, admin] = parse(result.stdout);
    assert.equal(nope!.error!.code, 'PROFILE_NOT_FOUND');
    assert.equal(admin!.error!.code, 'NO_LONG_TERM_KEY');
    assert.match(admin!.error!.message, /is a role; rotate its source profile "alice"/);
    assert.equal(await readFile(h.credentialsPath, 'utf8'), before);
    assert.equal(h.sandbox.calls(), 0, 'no AWS call');
  });

  it('usage errors exit 2', async () => {
    const h = await sandboxHome();
    for (const args of [['rotate'], ['rotate', 'all', 'bob'], ['rotate', 'bob', '--old-key', 'shred']]) {
      const result = await runCli(args, h.env);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    }
  });
});
