/** `torque list` on a temp HOME: the documented JSON fields, a readable table, and never a secret. */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/tmp.js';

const FIELDS = ['name', 'kind', 'accessKeyId', 'mfaSerial', 'roleArn', 'sourceProfile', 'region', 'sessionProfile', 'expiresAt', 'sharesKeyWith', 'warnings'];

async function homeWithSamples() {
  const { home, env } = await tempHome();
  await mkdir(join(home, '.aws'), { mode: 0o700 });
  const credentials = await readFile(join(ROOT, 'samples/credentials'), 'utf8');
  const config = await readFile(join(ROOT, 'samples/config'), 'utf8');
  await writeFile(join(home, '.aws/credentials'), credentials);
  await writeFile(join(home, '.aws/config'), config);
  // Every value that must never be printed.
  const secrets = [...`${credentials}\n${config}`.matchAll(/^\s*(?:aws_secret_access_key|aws_session_token)\s*=\s*(\S+)/gm)].map((m) => m[1]!);
  assert.ok(secrets.length >= 4);
  return { home, env, secrets };
}

describe('torque list', () => {
  it('--json prints the documented fields for every profile and no secret', async () => {
    const { env, secrets } = await homeWithSamples();
    const result = await runCli(['list', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    for (const secret of secrets) assert.ok(!(result.stdout + result.stderr).includes(secret), 'no secret in the output');
    const { profiles } = JSON.parse(result.stdout) as { profiles: Record<string, unknown>[] };
    for (const profile of profiles) assert.deepEqual(Object.keys(profile), FIELDS);
    const byName = new Map(profiles.map((p) => [p['name'], p]));
    assert.deepEqual([...byName.keys()], ['default', 'work', 'personal', 'personal-mfa', 'admin', 'build', 'sso-dev']);
    assert.deepEqual(byName.get('default'), {
      name: 'default',
      kind: 'static',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/alice',
      roleArn: null,
      sourceProfile: null,
      region: 'eu-west-1',
      sessionProfile: 'default-mfa',
      expiresAt: null,
      sharesKeyWith: ['work'],
      warnings: [],
    });
    assert.equal(byName.get('personal-mfa')!['kind'], 'session');
    assert.equal(byName.get('personal-mfa')!['sourceProfile'], 'personal', 'a session names the profile it belongs to');
    assert.equal(byName.get('personal')!['expiresAt'], '2030-01-01T00:00:00.000Z');
    assert.equal(byName.get('admin')!['kind'], 'role');
    assert.equal(byName.get('admin')!['mfaSerial'], 'arn:aws:iam::444455556666:mfa/bob');
    assert.equal(byName.get('build')!['kind'], 'process');
    assert.equal(byName.get('sso-dev')!['kind'], 'sso');
  });

  it('prints a table for people, warnings on stderr, and no secret', async () => {
    const { home, env, secrets } = await homeWithSamples();
    await writeFile(join(home, '.aws/config'), '[profile personal]\nregion = a\nregion = b\n', { flag: 'a' });
    const result = await runCli(['list'], env);
    assert.equal(result.code, 0, result.stderr);
    for (const secret of secrets) assert.ok(!(result.stdout + result.stderr).includes(secret));
    assert.match(result.stdout, /^PROFILE\s+KIND\s+ACCESS KEY\s+MFA\s+SESSION\s+NOTES$/m);
    assert.match(result.stdout, /^default\s+static\s+AKIAIOSFODNN7EXAMPLE\s+mfa\/alice\s+-\s+same key as work$/m);
    assert.match(result.stdout, /^personal-mfa\s+session\s+ASIAI44QH8DHBEXAMPLE\s+-\s+expires in \d+d \d+h\s+session of personal$/m);
    assert.match(result.stderr, /^warning: \[personal\] .*duplicate key "region"/m);
  });

  it('says where it looked when there are no profiles', async () => {
    const { home, env } = await tempHome();
    const result = await runCli(['list'], env);
    assert.equal(result.code, 0);
    assert.ok(result.stdout.includes(join(home, '.aws/credentials')));
    assert.deepEqual(JSON.parse((await runCli(['list', '--json'], env)).stdout), { profiles: [], warnings: [] });
  });

  it('reads the files named by AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE', async () => {
    const { env } = await tempHome();
    const result = await runCli(['list', '--json'], {
      ...env,
      AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'samples/credentials'),
      AWS_CONFIG_FILE: join(ROOT, 'samples/config'),
    });
    assert.equal((JSON.parse(result.stdout) as { profiles: unknown[] }).profiles.length, 7);
  });
});
