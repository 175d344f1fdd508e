/** `torque auth` as a user runs it: sessions for static and role profiles, written where DESIGN.md says. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ListAccessKeysCommand, IAMClient } from '@aws-sdk/client-iam';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { keyWorks, type SandboxHome, sandboxHome } from '../helpers/sandbox-home.js';
import { lineDiff } from '../files/diff.js';

const user = (h: SandboxHome, name: string) => h.sandbox.users.find((u) => u.name === name)!;
const code = (h: SandboxHome, name: string) => h.sandbox.freshCode(user(h, name).mfaSerial!);

async function noSecretIn(h: SandboxHome, output: string) {
  for (const secret of await h.secrets()) assert.ok(!output.includes(secret), 'no secret in the output');
}

describe('torque auth: static profiles', () => {
  it('writes an MFA session that can call IAM under the force-MFA policy; the rest of the file unchanged', async () => {
    const h = await sandboxHome();
    const before = await readFile(h.credentialsPath, 'utf8');
    const result = await runCli(['auth', 'alice', '--code', code(h, 'alice'), '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(out), ['profile', 'sessionProfile', 'expiresAt', 'arn']);
    assert.equal(out['profile'], 'alice');
    assert.equal(out['sessionProfile'], 'alice-mfa');
    assert.equal(out['arn'], user(h, 'alice').arn);
    const hours = (Date.parse(out['expiresAt']!) - Date.now()) / 3_600_000;
    assert.ok(hours > 11.9 && hours <= 12, `12 h by default, got ${hours}`);

    const session = (await h.profiles()).get('alice-mfa')!;
    assert.deepEqual(Object.keys(session), ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'expiration', 'torque_source_profile', 'region']);
    assert.match(session['expiration']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(session['torque_source_profile'], 'alice');
    assert.equal(session['region'], 'us-east-1', 'region copied');
    const iam = new IAMClient({
      endpoint: h.sandbox.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: session['aws_access_key_id']!, secretAccessKey: session['aws_secret_access_key']!, sessionToken: session['aws_session_token']! },
    });
    const keys = await iam.send(new ListAccessKeysCommand({}));
    assert.equal(keys.AccessKeyMetadata?.[0]?.UserName, 'alice', 'the session may call IAM');

    const diff = lineDiff(before, await readFile(h.credentialsPath, 'utf8'));
    assert.deepEqual(diff.changed.concat(diff.removed as never[]), [], 'no existing line changed');
    await noSecretIn(h, result.stdout + result.stderr);
  });

  it('--export lines evaluated by bash give working credentials; the prompt stays on stderr', async () => {
    const h = await sandboxHome();
    const script = `eval "$("${process.execPath}" "${BIN}" auth alice --export)" && printf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`;
    const child = spawn('bash', ['-c', script], { env: h.env, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end(`${code(h, 'alice')}\n`);
    const status = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(status, 0, stderr);
    assert.match(stderr, /MFA code for arn:aws:iam::\d+:mfa\/alice/);
    const [id, secret, token] = stdout.trim().split('\n');
    assert.match(id!, /^ASIA/);
    assert.ok(await keyWorks(h.sandbox, id!, secret!, token));
  });

  it('keeps a stored session with more than 5 minutes left unless --force', async () => {
    const h = await sandboxHome();
    assert.equal((await runCli(['auth', 'alice', '--code', code(h, 'alice')], h.env)).code, 0);
    const first = (await h.profiles()).get('alice-mfa')!;
    const again = await runCli(['auth', 'alice'], h.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /kept the stored session in \[alice-mfa\] \(expires in 1\d?h \d+m; --force makes a new one\)/);
    assert.equal((await h.profiles()).get('alice-mfa')!['aws_access_key_id'], first['aws_access_key_id']);
    const forced = await runCli(['auth', 'alice', '--force', '--code', code(h, 'alice')], h.env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual((await h.profiles()).get('alice-mfa')!['aws_access_key_id'], first['aws_access_key_id']);
  });

  it('accepts durations as seconds, minutes or hours and refuses one out of range, naming the range', async () => {
    const h = await sandboxHome();
    for (const [duration, hours] of [['3600', 1], ['12h', 12]] as const) {
      const result = await runCli(['auth', 'alice', '--force', '--code', code(h, 'alice'), '--duration', duration, '--json'], h.env);
      assert.equal(result.code, 0, result.stderr);
      const left = (Date.parse((JSON.parse(result.stdout) as { expiresAt: string }).expiresAt) - Date.now()) / 3_600_000;
      assert.ok(left > hours - 0.05 && left <= hours + 0.03, `${duration}: ${left} h`);
    }
    const ok = await runCli(['auth', 'alice', '--force', '--code', code(h, 'alice'), '--duration', '90m', '--json'], h.env);
    assert.equal(ok.code, 0, ok.stderr);
    const minutes = (Date.parse((JSON.parse(ok.stdout) as { expiresAt: string }).expiresAt) - Date.now()) / 60_000;
    // The sandbox clock may run up to a minute ahead (fresh MFA codes move it a step at a time).
    assert.ok(minutes > 88 && minutes <= 91.5, String(minutes));
    for (const [duration, message] of [['100', /900 to 129600 seconds/], ['37h', /900 to 129600 seconds/], ['soon', /seconds, or minutes and hours/]] as const) {
      const result = await runCli(['auth', 'alice', '--force', '--code', '123456', '--duration', duration], h.env);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });

  it('replaces a stored session with 5 minutes or less left', async () => {
    const h = await sandboxHome();
    assert.equal((await runCli(['auth', 'alice', '--code', code(h, 'alice')], h.env)).code, 0);
    const soon = new Date(Date.now() + 4 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await writeFile(h.credentialsPath, (await readFile(h.credentialsPath, 'utf8')).replace(/^expiration = .*$/m, `expiration = ${soon}`));
    const stale = (await h.profiles()).get('alice-mfa')!['aws_access_key_id'];
    const result = await runCli(['auth', 'alice', '--code', code(h, 'alice')], h.env);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /kept the stored session/);
    assert.notEqual((await h.profiles()).get('alice-mfa')!['aws_access_key_id'], stale);
  });

  it('writes to --session-profile, to torque_session_profile, and to X for X-long-term', async () => {
    const h = await sandboxHome();
    assert.equal((await runCli(['auth', 'alice', '--code', code(h, 'alice'), '--session-profile', 'work'], h.env)).code, 0);
    assert.equal((await h.profiles()).get('work')!['torque_source_profile'], 'alice');

    await writeFile(h.configPath, `${await readFile(h.configPath, 'utf8')}\n[profile carol]\ntorque_session_profile = carol-session\n`);
    const carol = await runCli(['auth', 'carol', '--code', code(h, 'carol')], h.env);
    assert.equal(carol.code, 0, carol.stderr);
    assert.equal((await h.profiles()).get('carol-session')!['torque_source_profile'], 'carol');

    // The aws-mfa layout: the long-term key under X-long-term, the session under X.
    await writeFile(h.credentialsPath, (await readFile(h.credentialsPath, 'utf8')).replace('[alice]', '[alice-long-term]'));
    await writeFile(h.configPath, (await readFile(h.configPath, 'utf8')).replace('[profile alice]', '[profile alice-long-term]'));
    const result = await runCli(['auth', 'alice-long-term', '--code', code(h, 'alice')], h.env);
    assert.equal(result.code, 0, result.stderr);
    const session = (await h.profiles()).get('alice')!;
    assert.equal(session['torque_source_profile'], 'alice-long-term');
    assert.match(session['aws_access_key_id']!, /^ASIA/);
  });

  it('refuses to overwrite a profile that holds a long-term key', async () => {
    const h = await sandboxHome();
    const before = await readFile(h.credentialsPath, 'utf8');
    const result = await runCli(['auth', 'alice', '--code', '123456', '--session-profile', 'bob'], h.env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"bob" is a static profile, not a session; Torque will not overwrite it/);
    assert.equal(await readFile(h.credentialsPath, 'utf8'), before);
  });
});

describe('torque auth: role profiles', () => {
  it('assumes a role that requires MFA, with the default session name derived from the user', async () => {
    const h = await sandboxHome();
    const result = await runCli(['auth', 'admin', '--code', code(h, 'alice'), '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, string>;
    assert.equal(out['sessionProfile'], 'admin-mfa');
    assert.match(out['arn']!, /:assumed-role\/admin\/alice-torque$/);
    const hours = (Date.parse(out['expiresAt']!) - Date.now()) / 3_600_000;
    assert.ok(hours > 0.95 && hours <= 1, 'one hour by default');
    const session = (await h.profiles()).get('admin-mfa')!;
    assert.ok(await keyWorks(h.sandbox, session['aws_access_key_id']!, session['aws_secret_access_key']!, session['aws_session_token']));
    await noSecretIn(h, result.stdout + result.stderr);
  });

  it('assumes a role without MFA, with its ExternalId and a chosen session name', async () => {
    const h = await sandboxHome();
    await writeFile(h.configPath, (await readFile(h.configPath, 'utf8')).replace('[profile partner]', '[profile partner]\nrole_session_name = nightly-report'));
    const result = await runCli(['auth', 'partner', '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match((JSON.parse(result.stdout) as { arn: string }).arn, /:assumed-role\/partner\/nightly-report$/);
    assert.doesNotMatch(result.stderr, /MFA code/);

    await writeFile(h.configPath, (await readFile(h.configPath, 'utf8')).replace('external_id = torque-demo', 'external_id = wrong'));
    const refused = await runCli(['auth', 'partner', '--force'], h.env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /AWS refused to let "partner" assume .*trust policy/);
  });

  it("uses the source profile's stored MFA session instead of asking for a code", async () => {
    const h = await sandboxHome();
    assert.equal((await runCli(['auth', 'alice', '--code', code(h, 'alice')], h.env)).code, 0);
    const sessions = h.sandbox.calls('GetSessionToken');
    const result = await runCli(['auth', 'admin', '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /MFA code/);
    assert.equal(h.sandbox.calls('GetSessionToken'), sessions);
    assert.match((JSON.parse(result.stdout) as { arn: string }).arn, /:assumed-role\/admin\//);
  });

  it("honours the profile's duration_seconds, and names the role when it allows less", async () => {
    const h = await sandboxHome();
    await writeFile(h.configPath, (await readFile(h.configPath, 'utf8')).replace('[profile partner]', '[profile partner]\nduration_seconds = 1800'));
    const result = await runCli(['auth', 'partner', '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    const minutes = (Date.parse((JSON.parse(result.stdout) as { expiresAt: string }).expiresAt) - Date.now()) / 60_000;
    assert.ok(minutes > 29 && minutes <= 31.5, String(minutes));
    // partner allows 1 h at most (the sandbox's default for a role).
    const tooLong = await runCli(['auth', 'partner', '--force', '--duration', '2h', '--json'], h.env);
    assert.equal(tooLong.code, 1);
    const error = (JSON.parse(tooLong.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'AWS_VALIDATION');
    assert.match(error.message, /role\/partner does not allow a session that long .*ask for a shorter --duration/);
    assert.doesNotMatch(error.message, /\.\./);
  });

  it('follows a role chain, capped at one hour', async () => {
    const h = await sandboxHome();
    const tooLong = await runCli(['auth', 'auditor', '--duration', '2h'], h.env);
    assert.equal(tooLong.code, 2);
    assert.match(tooLong.stderr, /role chain\) lasts 900 to 3600 seconds/);
    const result = await runCli(['auth', 'auditor', '--code', code(h, 'alice'), '--json'], h.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match((JSON.parse(result.stdout) as { arn: string }).arn, /:assumed-role\/auditor\//);
    assert.equal(h.sandbox.calls('AssumeRole'), 2);
  });
});

describe('torque auth: errors, exit 1, files untouched', () => {
  const cases: [string, (h: SandboxHome) => Promise<string[]>, RegExp][] = [
    ['a wrong code', async () => ['auth', 'alice', '--code', '000000'], /the MFA code was not accepted/],
    [
      'a code already used',
      async (h) => {
        const c = code(h, 'alice');
        assert.equal((await runCli(['auth', 'alice', '--code', c, '--session-profile', 'other'], h.env)).code, 0);
        return ['auth', 'alice', '--code', c];
      },
      /already used \(profile alice\); wait for the next code/,
    ],
    [
      'an unknown MFA serial',
      async (h) => {
        await writeFile(h.configPath, (await readFile(h.configPath, 'utf8')).replace(/mfa_serial = (\S+)alice/, 'mfa_serial = $1nobody'));
        return ['auth', 'alice', '--code', '123456'];
      },
      /does not know that MFA device/,
    ],
    ['no MFA device at all', async () => ['auth', 'bob'], /no MFA device found for "bob"/],
    [
      'a missing source profile',
      async (h) => {
        await writeFile(h.configPath, `${await readFile(h.configPath, 'utf8')}\n[profile lost]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = nowhere\n`);
        return ['auth', 'lost'];
      },
      /source_profile "nowhere" of "lost" does not exist/,
    ],
    [
      'a profile with no key',
      async (h) => {
        await writeFile(h.configPath, `${await readFile(h.configPath, 'utf8')}\n[profile empty]\nregion = eu-west-1\n`);
        return ['auth', 'empty'];
      },
      /"empty" has neither a long-term key nor a role \(kind incomplete\)/,
    ],
    [
      'an expired stored session as a role source',
      async (h) => {
        assert.equal((await runCli(['auth', 'alice', '--code', code(h, 'alice'), '--duration', '15m'], h.env)).code, 0);
        await writeFile(h.configPath, `${await readFile(h.configPath, 'utf8')}\n[profile via-session]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = alice-mfa\n`);
        h.sandbox.clock.advance(20 * 60_000);
        return ['auth', 'via-session'];
      },
      /session credentials expired.*torque auth/,
    ],
  ];
  for (const [name, setup, message] of cases) {
    it(name, async () => {
      const h = await sandboxHome();
      const args = await setup(h);
      const credentials = await readFile(h.credentialsPath, 'utf8');
      const config = await readFile(h.configPath, 'utf8');
      const result = await runCli(args, h.env);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(await readFile(h.credentialsPath, 'utf8'), credentials);
      assert.equal(await readFile(h.configPath, 'utf8'), config);
      await noSecretIn(h, result.stderr);
    });
  }
});
