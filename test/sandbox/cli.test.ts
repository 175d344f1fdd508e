/**
 * `torque sandbox`, the built CLI as a real process: one JSON line, profiles that the SDK's own
 * `fromIni` and `profile` settings use against it, a clean exit on SIGINT or SIGTERM, usage errors.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { CreateAccessKeyCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { TOTP } from 'otpauth';
import { startSandbox } from '../../server/sandbox/index.js';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { loopbackOnly } from '../helpers/sandbox.js';
import { tempHome } from '../helpers/tmp.js';

interface Line {
  endpoint: string;
  users: { name: string; accessKeyId: string; secretAccessKey: string; mfaSerial: string | null; mfaSeed: string | null; mfaRequired: boolean }[];
  roles: { name: string; arn: string; mfaRequired: boolean }[];
}

interface Running {
  child: ChildProcess;
  line: Line;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `torque sandbox ARGS` and waits for its JSON line. */
async function start(t: TestContext, args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exit.then(({ code }) => Promise.reject(new Error(`torque sandbox exited ${code} before its line: ${stderr}`))),
  ]);
  return { child, line: JSON.parse(first) as Line, stderr: () => stderr, exit };
}

/** The code an authenticator app made from the printed seed shows, `steps` periods ahead. */
function appCode(seed: string, steps = 0): string {
  return new TOTP({ secret: seed, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 });
}

describe('torque sandbox', () => {
  it('prints one JSON line with exactly the documented fields, and serves on 127.0.0.1', async (t) => {
    const { env } = await tempHome();
    const running = await start(t, ['--latency', '5'], env);
    const { line } = running;
    assert.deepEqual(Object.keys(line), ['endpoint', 'users', 'roles']);
    assert.match(line.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const user of line.users) {
      assert.deepEqual(Object.keys(user), ['name', 'accessKeyId', 'secretAccessKey', 'mfaSerial', 'mfaSeed', 'mfaRequired']);
    }
    for (const role of line.roles) assert.deepEqual(Object.keys(role), ['name', 'arn', 'mfaRequired']);
    // The default data: a force-MFA user with a device, one without MFA, a role needing MFA that trusts the first, a chain.
    const alice = line.users.find((u) => u.mfaRequired && u.mfaSerial && u.mfaSeed)!;
    assert.ok(alice, 'a user under the force-MFA policy with a virtual device');
    assert.ok(line.users.some((u) => !u.mfaRequired && u.mfaSerial === null), 'a user without MFA');
    assert.ok(line.roles.some((r) => r.name === 'admin' && r.mfaRequired));
    assert.ok(line.roles.some((r) => r.name === 'auditor'));

    const bob = line.users.find((u) => u.name === 'bob')!;
    const sts = new STSClient({ endpoint: line.endpoint, region: 'us-east-1', credentials: bob, requestHandler: loopbackOnly() });
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /user\/bob$/);
    sts.destroy();
    running.child.kill('SIGTERM');
    assert.deepEqual(await running.exit, { code: 0, signal: null });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops on ${signal} and exits 0`, async (t) => {
      const { env } = await tempHome();
      const running = await start(t, [], env);
      running.child.kill(signal);
      assert.deepEqual(await running.exit, { code: 0, signal: null });
      assert.match(running.stderr(), /serving at http:\/\/127\.0\.0\.1:\d+/);
    });
  }

  it('--write-profiles DIR: profiles the SDK uses as they are (AWS_PROFILE, fromIni, endpoint_url)', async (t) => {
    const { home, env } = await tempHome();
    const dir = join(home, 'sandbox-aws');
    const running = await start(t, ['--write-profiles', dir, '--propagation', '0'], env);
    const { line } = running;
    const credentialsPath = join(dir, 'credentials');
    const configPath = join(dir, 'config');
    for (const path of [credentialsPath, configPath]) assert.equal((await stat(path)).mode & 0o777, 0o600);
    const credentials = await readFile(credentialsPath, 'utf8');
    const config = await readFile(configPath, 'utf8');
    assert.match(credentials, /^# Written by `torque sandbox`/);
    assert.match(config, /^# /m, 'comments');
    const carol = line.users.find((u) => u.name === 'carol')!;
    assert.equal(credentials.split(`aws_access_key_id = ${carol.accessKeyId}`).length - 1, 2, 'two profiles share one key');
    assert.match(config, /\[profile admin\]\nrole_arn = \S+\nsource_profile = alice\nmfa_serial = arn:aws:iam::123456789012:mfa\/alice\n/);
    assert.match(config, /\[profile auditor\]\nrole_arn = \S+\nsource_profile = admin\n/);

    // From here on the SDK finds everything in the files, as the AWS CLI would: keys, region, endpoint_url.
    const saved = { ...process.env };
    t.after(() => {
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, saved);
    });
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = credentialsPath;
    process.env['AWS_CONFIG_FILE'] = configPath;
    // Agents that resolve no host name: a profile whose endpoint_url were ignored could not reach AWS.
    const requestHandler = loopbackOnly();
    // As `AWS_PROFILE=NAME aws …`: the JS SDK takes endpoint_url from the AWS_PROFILE profile only, not from a
    // client's `profile` option, so the profile is chosen the way a shell user chooses it.
    const whoAmI = async (profile: string, mfaCodeProvider?: (serial: string) => Promise<string>) => {
      process.env['AWS_PROFILE'] = profile;
      const client = new STSClient({ requestHandler, credentials: fromIni(mfaCodeProvider ? { mfaCodeProvider } : {}) });
      try {
        return (await client.send(new GetCallerIdentityCommand({}))).Arn;
      } finally {
        client.destroy();
      }
    };
    assert.equal(await whoAmI('bob'), 'arn:aws:iam::123456789012:user/bob');
    assert.equal(await whoAmI('carol-ci'), 'arn:aws:iam::123456789012:user/carol', 'the second profile of the shared key');

    const alice = line.users.find((u) => u.name === 'alice')!;
    const serials: string[] = [];
    const admin = await whoAmI('admin', async (serial) => {
      serials.push(serial);
      return appCode(alice.mfaSeed!);
    });
    assert.equal(admin, 'arn:aws:sts::123456789012:assumed-role/admin/' + admin!.split('/').pop());
    assert.deepEqual(serials, [alice.mfaSerial]);
    // The chain asks for the first role's code again (a new AssumeRole); the next step's code is unused.
    assert.match((await whoAmI('auditor', async () => appCode(alice.mfaSeed!, 1)))!, /assumed-role\/auditor\//);

    process.env['AWS_PROFILE'] = 'alice';
    const iam = new IAMClient({ requestHandler });
    await assert.rejects(iam.send(new ListAccessKeysCommand({})), { name: 'AccessDenied' }, 'alice is under the force-MFA policy');
    iam.destroy();

    running.child.kill('SIGTERM');
    assert.deepEqual(await running.exit, { code: 0, signal: null });
  });

  it('--propagation 1500: a new key answers InvalidClientTokenId at first, and works once the delay is over', async (t) => {
    const { env } = await tempHome();
    const running = await start(t, ['--propagation', '1500'], env);
    const { line } = running;
    const bob = line.users.find((u) => u.name === 'bob')!;
    assert.equal(bob.mfaSerial, null, 'bob needs no MFA code to make a key');
    const requestHandler = loopbackOnly();
    const iam = new IAMClient({ endpoint: line.endpoint, region: 'us-east-1', credentials: bob, maxAttempts: 1, requestHandler });
    t.after(() => iam.destroy());
    const { AccessKey: made } = await iam.send(new CreateAccessKeyCommand({}));
    assert.ok(made?.AccessKeyId && made.SecretAccessKey);
    const createdAt = Date.now();
    const sts = new STSClient({
      endpoint: line.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: made.AccessKeyId, secretAccessKey: made.SecretAccessKey },
      maxAttempts: 1,
      requestHandler,
    });
    t.after(() => sts.destroy());
    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' }, 'the new key works at once');
    assert.ok(Date.now() - createdAt < 1500, 'the first try came too late to show the delay');
    // The key bob signed with is an old one: it keeps working meanwhile.
    const bobSts = new STSClient({ endpoint: line.endpoint, region: 'us-east-1', credentials: bob, maxAttempts: 1, requestHandler });
    t.after(() => bobSts.destroy());
    assert.match((await bobSts.send(new GetCallerIdentityCommand({}))).Arn!, /user\/bob$/);

    await sleep(Math.max(0, createdAt + 1700 - Date.now()));
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, 'arn:aws:iam::123456789012:user/bob');
    running.child.kill('SIGTERM');
    assert.deepEqual(await running.exit, { code: 0, signal: null });
  });

  it('--latency 300: every call waits that long before its answer', async (t) => {
    const { env } = await tempHome();
    const running = await start(t, ['--latency', '300'], env);
    const { line } = running;
    const bob = line.users.find((u) => u.name === 'bob')!;
    const sts = new STSClient({ endpoint: line.endpoint, region: 'us-east-1', credentials: bob, maxAttempts: 1, requestHandler: loopbackOnly() });
    t.after(() => sts.destroy());
    const started = performance.now();
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /user\/bob$/);
    const took = performance.now() - started;
    assert.ok(took >= 300, `GetCallerIdentity took ${took.toFixed(0)} ms, less than the 300 ms latency`);
    running.child.kill('SIGTERM');
    assert.deepEqual(await running.exit, { code: 0, signal: null });
  });

  it('--write-profiles refuses to replace files it did not write', async () => {
    const { home, env } = await tempHome();
    const dir = join(home, '.aws');
    await mkdir(dir);
    await writeFile(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIAREALKEY\n');
    const result = await runCli(['sandbox', '--write-profiles', dir], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /credentials exists and was not written by `torque sandbox`/);
    assert.equal(result.stdout, '', 'no JSON line: the sandbox did not start serving');
    assert.equal(await readFile(join(dir, 'credentials'), 'utf8'), '[default]\naws_access_key_id = AKIAREALKEY\n');
    await assert.rejects(stat(join(dir, 'config')), { code: 'ENOENT' });
  });

  const usage = [
    ['--port', 'abc'],
    ['--port', '70000'],
    ['--latency', '-5'],
    ['--propagation', '1.5'],
  ];
  for (const [option, value] of usage) {
    it(`${option} ${value} is a usage error (exit 2)`, async () => {
      const { env } = await tempHome();
      const result = await runCli(['sandbox', `${option}=${value}`], env);
      assert.equal(result.code, 2);
      assert.match(result.stderr, new RegExp(`${option} must be a whole number`));
      assert.equal(result.stdout, '');
    });
  }

  it('a taken port is an error, not a silent switch', async (t) => {
    const { env } = await tempHome();
    const other = await startSandbox({ log: () => undefined });
    t.after(() => other.close());
    const result = await runCli(['sandbox', '--port', String(other.port)], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`port ${other.port} on 127\\.0\\.0\\.1 is taken`));
  });
});
