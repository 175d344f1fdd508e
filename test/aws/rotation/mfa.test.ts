/** MFA during rotation: one code per device per run, a stored session instead of a code, clear refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { resolvePaths } from '../../../server/files/paths.js';
import { AwsFiles } from '../../../server/files/store.js';
import { defaultData } from '../../../server/sandbox/index.js';
import { runCli } from '../../helpers/cli.js';
import { sandboxHome } from '../../helpers/sandbox-home.js';
import { allKeyIds, assertInvariants } from './check.js';

describe('rotation and MFA', () => {
  it('one code rotates three profiles of one user; another user with two profiles needs its own code', async () => {
    const data = defaultData(Date.now());
    data.users.push(
      { name: 'erin', forceMfa: true, mfa: true, profiles: ['erin', 'erin-ci', 'erin-dev'] },
      { name: 'frank', mfa: true, profiles: ['frank', 'frank-ops'] },
    );
    const h = await sandboxHome({ data });
    const before = allKeyIds(h);
    const erin = h.sandbox.users.find((u) => u.name === 'erin')!;
    const frank = h.sandbox.users.find((u) => u.name === 'frank')!;
    const input = `${h.sandbox.freshCode(erin.mfaSerial!)}\n${h.sandbox.freshCode(frank.mfaSerial!)}\n`;
    // Codes come on stdin in the order asked: erin's profiles are first on the command line.
    const result = await runCli(['rotate', 'erin', 'erin-ci', 'erin-dev', 'frank', 'frank-ops', '--json'], h.env, { input });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const results = (JSON.parse(result.stdout) as { results: { profiles: string[]; status: string; newAccessKeyId: string }[] }).results;
    assert.deepEqual(results.map((r) => [r.profiles, r.status]), [
      [['erin', 'erin-ci', 'erin-dev'], 'rotated'],
      [['frank', 'frank-ops'], 'rotated'],
    ]);
    assert.equal(h.sandbox.calls('GetSessionToken'), 2, 'one code, one session per device');
    assert.equal(result.stderr.match(/MFA code for/g)?.length, 2, 'asked once per device');
    const files = await h.profiles();
    for (const p of ['erin', 'erin-ci', 'erin-dev']) assert.equal(files.get(p)!['aws_access_key_id'], results[0]!.newAccessKeyId);
    for (const p of ['frank', 'frank-ops']) assert.equal(files.get(p)!['aws_access_key_id'], results[1]!.newAccessKeyId);
    await assertInvariants(h, before, result);
  });

  it('a stored session of the user with more than 5 minutes left needs no code', async () => {
    const h = await sandboxHome();
    const alice = h.sandbox.users.find((u) => u.name === 'alice')!;
    const before = allKeyIds(h);
    const sts = new STSClient({ endpoint: h.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: alice.accessKeyId!, secretAccessKey: alice.secretAccessKey! } });
    const { Credentials: c } = await sts.send(new GetSessionTokenCommand({ SerialNumber: alice.mfaSerial!, TokenCode: h.sandbox.freshCode(alice.mfaSerial!) }));
    await new AwsFiles(resolvePaths(h.env)).update('credentials', (e) =>
      e.setKeys('alice-mfa', {
        aws_access_key_id: c!.AccessKeyId!,
        aws_secret_access_key: c!.SecretAccessKey!,
        aws_session_token: c!.SessionToken!,
        expiration: c!.Expiration!.toISOString(),
        torque_source_profile: 'alice',
      }),
    );
    const sessions = h.sandbox.calls('GetSessionToken');
    const result = await runCli(['rotate', 'alice'], h.env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stderr, /MFA code for/);
    assert.equal(h.sandbox.calls('GetSessionToken'), sessions);
    await assertInvariants(h, before, result);
  });

  it('a user without an MFA device is never asked for a code', async () => {
    const h = await sandboxHome();
    const result = await runCli(['rotate', 'bob'], h.env);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /MFA code/);
    assert.equal(h.sandbox.calls('GetSessionToken'), 0);
  });

  const refusals: [string, (h: Awaited<ReturnType<typeof sandboxHome>>, serial: string) => Promise<string[]>, string, RegExp][] = [
    ['a wrong code', async () => ['--code', '000000'], 'MFA_CODE_WRONG', /check the device and enter its current code/],
    [
      'a code already used',
      async (h, serial) => {
        const code = h.sandbox.freshCode(serial);
        const alice = h.sandbox.users.find((u) => u.name === 'alice')!;
        const sts = new STSClient({ endpoint: h.sandbox.endpoint, region: 'us-east-1', credentials: { accessKeyId: alice.accessKeyId!, secretAccessKey: alice.secretAccessKey! } });
        await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }));
        return ['--code', code];
      },
      'MFA_CODE_REUSED',
      /wait for the next code/,
    ],
    ['a code that is not 6 digits', async () => ['--code', '12345'], 'MFA_CODE_INVALID', /must be 6 digits/],
    ['no code on stdin', async () => [], 'MFA_CODE_NEEDED', /pass --code/],
  ];
  for (const [name, args, code, message] of refusals) {
    it(`refuses ${name} with ${code}, the file untouched`, async () => {
      const h = await sandboxHome();
      const alice = h.sandbox.users.find((u) => u.name === 'alice')!;
      const result = await runCli(['rotate', 'alice', '--json', ...(await args(h, alice.mfaSerial!))], h.env);
      assert.equal(result.code, 1, result.stderr);
      const [r] = (JSON.parse(result.stdout) as { results: { error: { code: string; message: string } }[] }).results;
      assert.equal(r!.error.code, code);
      assert.match(r!.error.message, message);
      assert.equal((await h.profiles()).get('alice')!['aws_access_key_id'], alice.accessKeyId);
      assert.equal(h.sandbox.calls('CreateAccessKey'), 0);
    });
  }

  it('--code CODE with two devices involved asks for SERIAL=CODE', async () => {
    const h = await sandboxHome();
    const alice = h.sandbox.users.find((u) => u.name === 'alice')!;
    const result = await runCli(['rotate', 'alice', 'carol', '--code', h.sandbox.freshCode(alice.mfaSerial!)], h.env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /more than one MFA device is involved .* give --code SERIAL=CODE for each/);
  });
});
