/** Virtual MFA devices (RFC 6238) and AWS's force-MFA policy, through the real SDK. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { TOTP } from 'otpauth';
import { checkCode, codeForStep, type MfaDevice } from '../../server/sandbox/mfa.js';
import type { Sandbox } from '../../server/sandbox/index.js';
import { assertFailure, type Credentials, failure, iamClient, keyOf, sandboxFor, serialOf, stsClient } from '../helpers/sandbox.js';

const START = Date.parse('2026-03-01T12:00:10Z');
const frozen = { clock: { start: START, frozen: true } };

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; 6-digit codes are the last 6 of the 8 given.
  const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  for (const [seconds, code] of [[59, '287082'], [1111111109, '081804'], [1234567890, '005924'], [2000000000, '279037']] as const) {
    it(`RFC 6238 vector at T=${seconds}`, () => assert.equal(codeForStep(seed, Math.floor(seconds / 30)), code));
  }

  it('accepts the adjacent steps, refuses two steps away, and refuses an accepted code again', () => {
    const device: MfaDevice = { serial: 's', seed, userName: 'u', enabledAt: 0, usedSteps: new Set() };
    const now = 1_000_000 * 30_000 + 5000;
    const step = 1_000_000;
    assert.equal(checkCode(device, codeForStep(seed, step - 2), now), 'wrong');
    assert.equal(checkCode(device, codeForStep(seed, step + 2), now), 'wrong');
    for (const s of [step - 1, step, step + 1]) {
      assert.equal(checkCode(device, codeForStep(seed, s), now), 'ok');
      assert.equal(checkCode(device, codeForStep(seed, s), now), 'reused');
    }
  });

  it('the sandbox\'s seed gives the codes an authenticator app shows', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const alice = sb.users.find((u) => u.name === 'alice')!;
    const app = new TOTP({ secret: alice.mfaSeed!, digits: 6, period: 30, algorithm: 'SHA1' });
    assert.equal(sb.currentCode(alice.mfaSerial!), app.generate({ timestamp: START }));
    assert.match(alice.mfaSeed!, /^[A-Z2-7]{64}$/);
  });

  it('freshCode gives unused codes, moving the clock one step when the window is used up', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const serial = serialOf(sb, 'alice');
    const sts = stsClient(sb, keyOf(sb, 'alice'));
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const code = sb.freshCode(serial);
      assert.ok(!seen.has(code));
      seen.add(code);
      await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }));
    }
    assert.equal(sb.clock.now(), START + 30_000, 'one step waited for, as a person would');
  });
});

describe('MFA refusals, with AWS\'s AccessDenied messages', () => {
  const WRONG = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
  const REUSED = 'MultiFactorAuthentication failed, unable to validate MFA code.';
  const UNKNOWN = 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';
  const wrongCode = (sb: Sandbox) => String((Number(sb.currentCode(serialOf(sb, 'alice'))) + 1) % 1_000_000).padStart(6, '0');

  const cases: { name: string; mfa: (sb: Sandbox) => Promise<{ SerialNumber: string; TokenCode: string }> | { SerialNumber: string; TokenCode: string }; message: string }[] = [
    { name: 'a wrong code', mfa: (sb) => ({ SerialNumber: serialOf(sb, 'alice'), TokenCode: wrongCode(sb) }), message: WRONG },
    {
      name: 'a code already accepted for the device',
      mfa: async (sb) => {
        const mfa = { SerialNumber: serialOf(sb, 'alice'), TokenCode: sb.freshCode(serialOf(sb, 'alice')) };
        await stsClient(sb, keyOf(sb, 'alice')).send(new GetSessionTokenCommand(mfa));
        return mfa;
      },
      message: REUSED,
    },
    { name: 'an unknown serial', mfa: (sb) => ({ SerialNumber: `arn:aws:iam::${sb.accountId}:mfa/nobody`, TokenCode: '123456' }), message: UNKNOWN },
    {
      name: 'another user\'s device, with its right code',
      mfa: (sb) => ({ SerialNumber: serialOf(sb, 'carol'), TokenCode: sb.freshCode(serialOf(sb, 'carol')) }),
      message: UNKNOWN,
    },
  ];

  const calls: { name: string; send: (sb: Sandbox, mfa: { SerialNumber: string; TokenCode: string }) => Promise<unknown> }[] = [
    { name: 'GetSessionToken', send: (sb, mfa) => stsClient(sb, keyOf(sb, 'alice')).send(new GetSessionTokenCommand(mfa)) },
    {
      name: 'AssumeRole',
      send: (sb, mfa) => stsClient(sb, keyOf(sb, 'alice')).send(new AssumeRoleCommand({ RoleArn: sb.roles[0]!.arn, RoleSessionName: 'torque', ...mfa })),
    },
  ];

  for (const c of cases) {
    for (const call of calls) {
      it(`${call.name} with ${c.name}`, async (t) => {
        const sb = await sandboxFor(t, frozen);
        assertFailure(await failure(call.send(sb, await c.mfa(sb))), { name: 'AccessDenied', status: 403, code: 'AccessDenied', message: c.message });
      });
    }
  }

  it('a code refused as wrong is not used up: the right code still works after it', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const serial = serialOf(sb, 'alice');
    const sts = stsClient(sb, keyOf(sb, 'alice'));
    await failure(sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: wrongCode(sb) })));
    await sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: sb.currentCode(serial) }));
  });

  it('a code of the previous step is still accepted (clock drift), as at AWS', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const serial = serialOf(sb, 'alice');
    const code = sb.currentCode(serial);
    sb.clock.advance(30_000);
    await stsClient(sb, keyOf(sb, 'alice')).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code }));
  });
});

describe('the force-MFA policy', () => {
  const explicitDeny = (action: string) =>
    `User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ${action} on resource: user alice with an explicit deny in an identity-based policy`;

  const actions: { action: string; allowedWithoutMfa: boolean; send: (sb: Sandbox, c: Credentials) => Promise<unknown> }[] = [
    { action: 'iam:GetUser', allowedWithoutMfa: true, send: (sb, c) => iamClient(sb, c).send(new GetUserCommand({})) },
    { action: 'iam:ListMFADevices', allowedWithoutMfa: true, send: (sb, c) => iamClient(sb, c).send(new ListMFADevicesCommand({})) },
    { action: 'sts:GetCallerIdentity', allowedWithoutMfa: true, send: (sb, c) => stsClient(sb, c).send(new GetCallerIdentityCommand({})) },
    { action: 'iam:ListAccessKeys', allowedWithoutMfa: false, send: (sb, c) => iamClient(sb, c).send(new ListAccessKeysCommand({})) },
    { action: 'iam:CreateAccessKey', allowedWithoutMfa: false, send: (sb, c) => iamClient(sb, c).send(new CreateAccessKeyCommand({})) },
    {
      action: 'iam:UpdateAccessKey',
      allowedWithoutMfa: false,
      send: (sb, c) => iamClient(sb, c).send(new UpdateAccessKeyCommand({ AccessKeyId: keyOf(sb, 'alice').accessKeyId, Status: 'Active' })),
    },
    {
      action: 'iam:DeleteAccessKey',
      allowedWithoutMfa: false,
      send: (sb, c) => iamClient(sb, c).send(new DeleteAccessKeyCommand({ AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })).catch((e: Error) => {
        // With MFA the call gets past the policy and meets the missing key: that is the allowed case.
        if (e.name !== 'NoSuchEntityException') throw e;
      }),
    },
    {
      action: 'iam:GetAccessKeyLastUsed',
      allowedWithoutMfa: false,
      send: (sb, c) => iamClient(sb, c).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyOf(sb, 'alice').accessKeyId })),
    },
  ];

  for (const a of actions) {
    it(`without MFA, ${a.action} is ${a.allowedWithoutMfa ? 'allowed' : 'AccessDenied naming the action'}`, async (t) => {
      const sb = await sandboxFor(t, frozen);
      const call = a.send(sb, keyOf(sb, 'alice'));
      if (a.allowedWithoutMfa) await call;
      else assertFailure(await failure(call), { name: 'AccessDenied', status: 403, code: 'AccessDenied', message: explicitDeny(a.action) });
    });

    it(`with an MFA session, ${a.action} is allowed`, async (t) => {
      const sb = await sandboxFor(t, frozen);
      const serial = serialOf(sb, 'alice');
      const out = await stsClient(sb, keyOf(sb, 'alice')).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: sb.freshCode(serial) }));
      const c = out.Credentials!;
      await a.send(sb, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
    });
  }

  it('a session made without MFA cannot call IAM at all: InvalidClientTokenId', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const c = (await stsClient(sb, keyOf(sb, 'alice')).send(new GetSessionTokenCommand({}))).Credentials!;
    const session = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    assertFailure(await failure(iamClient(sb, session).send(new ListMFADevicesCommand({}))), { name: 'InvalidClientTokenId', status: 403 });
    assert.match((await stsClient(sb, session).send(new GetCallerIdentityCommand({}))).Arn!, /user\/alice$/);
  });

  it('without MFA, sts:AssumeRole is denied by the policy even for a role that trusts her', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const call = stsClient(sb, keyOf(sb, 'alice')).send(new AssumeRoleCommand({ RoleArn: sb.roles[0]!.arn, RoleSessionName: 'torque' }));
    assertFailure(await failure(call), {
      name: 'AccessDenied',
      message: `User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: ${sb.roles[0]!.arn} with an explicit deny in an identity-based policy`,
    });
  });

  it('a user without the policy may do everything with the long-term key alone', async (t) => {
    const sb = await sandboxFor(t, frozen);
    await iamClient(sb, keyOf(sb, 'carol')).send(new ListAccessKeysCommand({}));
    await iamClient(sb, keyOf(sb, 'carol')).send(new CreateAccessKeyCommand({}));
  });
});
