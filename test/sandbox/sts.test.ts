/** STS through the real SDK over HTTP: identities, MFA sessions, roles with trust conditions, duration limits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetUserCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type AssumeRoleCommandInput, GetCallerIdentityCommand, GetSessionTokenCommand, type Credentials as StsCredentials } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../server/sandbox/index.js';
import { assertFailure, type ExpectedFailure, type Credentials, failure, iamClient, keyOf, sandboxFor, serialOf, stsClient } from '../helpers/sandbox.js';

const START = Date.parse('2026-03-01T12:00:00Z');
const frozen = { clock: { start: START, frozen: true } };
const HOUR = 3_600_000;

const creds = (c: StsCredentials | undefined): Credentials => ({ accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! });
const roleArn = (sb: Sandbox, name: string) => sb.roles.find((r) => r.name === name)?.arn ?? `arn:aws:iam::${sb.accountId}:role/${name}`;

async function session(sb: Sandbox, user: string, withMfa: boolean, duration?: number): Promise<Credentials> {
  const mfa = withMfa ? { SerialNumber: serialOf(sb, user), TokenCode: sb.freshCode(serialOf(sb, user)) } : {};
  return creds((await stsClient(sb, keyOf(sb, user)).send(new GetSessionTokenCommand({ ...mfa, DurationSeconds: duration }))).Credentials);
}

/** AssumeRole as alice (with an MFA code) unless other credentials are given. */
async function assume(sb: Sandbox, role: string, input: Partial<AssumeRoleCommandInput> = {}, as?: Credentials) {
  const mfa = as ? {} : { SerialNumber: serialOf(sb, 'alice'), TokenCode: sb.freshCode(serialOf(sb, 'alice')) };
  return stsClient(sb, as ?? keyOf(sb, 'alice')).send(new AssumeRoleCommand({ RoleArn: roleArn(sb, role), RoleSessionName: 'torque', ...mfa, ...input }));
}

describe('STS answers', () => {
  const cases: { name: string; run: (sb: Sandbox) => Promise<unknown>; check: (out: never, sb: Sandbox) => void }[] = [
    {
      name: 'GetCallerIdentity with a long-term key names the user',
      run: (sb) => stsClient(sb, keyOf(sb, 'bob')).send(new GetCallerIdentityCommand({})),
      check: (out: { Arn: string; Account: string; UserId: string }, sb) => {
        assert.equal(out.Arn, `arn:aws:iam::${sb.accountId}:user/bob`);
        assert.equal(out.Account, '123456789012');
        assert.equal(out.UserId, sb.state.users.get('bob')!.id);
      },
    },
    {
      name: 'GetCallerIdentity with a session names the user too',
      run: async (sb) => stsClient(sb, await session(sb, 'alice', true)).send(new GetCallerIdentityCommand({})),
      check: (out: { Arn: string }, sb) => assert.equal(out.Arn, `arn:aws:iam::${sb.accountId}:user/alice`),
    },
    {
      name: 'GetCallerIdentity with role credentials names the assumed role and session',
      run: async (sb) => stsClient(sb, creds((await assume(sb, 'admin')).Credentials)).send(new GetCallerIdentityCommand({})),
      check: (out: { Arn: string; UserId: string }, sb) => {
        assert.equal(out.Arn, `arn:aws:sts::${sb.accountId}:assumed-role/admin/torque`);
        assert.equal(out.UserId, `${sb.state.roles.get('admin')!.id}:torque`);
      },
    },
    {
      name: 'GetSessionToken with MFA: ASIA key, secret, token, 12 h by default',
      run: (sb) => stsClient(sb, keyOf(sb, 'alice')).send(new GetSessionTokenCommand({ SerialNumber: serialOf(sb, 'alice'), TokenCode: sb.currentCode(serialOf(sb, 'alice')) })),
      check: (out: { Credentials: StsCredentials }) => {
        assert.match(out.Credentials.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
        assert.match(out.Credentials.SecretAccessKey!, /^[A-Za-z0-9+/]{40}$/);
        assert.ok(out.Credentials.SessionToken!.length > 300);
        assert.equal(out.Credentials.Expiration!.getTime(), START + 12 * HOUR);
      },
    },
    ...[900, 129_600].map((seconds) => ({
      name: `GetSessionToken for ${seconds} s (AWS's bound) lasts exactly that`,
      run: (sb: Sandbox) => stsClient(sb, keyOf(sb, 'bob')).send(new GetSessionTokenCommand({ DurationSeconds: seconds })),
      check: (out: { Credentials: StsCredentials }) => assert.equal(out.Credentials.Expiration!.getTime(), START + seconds * 1000),
    })),
    {
      name: 'AssumeRole with MFA: credentials for 1 h by default and the assumed-role user',
      run: (sb) => assume(sb, 'admin'),
      check: (out: { Credentials: StsCredentials; AssumedRoleUser: { Arn: string; AssumedRoleId: string } }, sb) => {
        assert.match(out.Credentials.AccessKeyId!, /^ASIA/);
        assert.equal(out.Credentials.Expiration!.getTime(), START + HOUR);
        assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${sb.accountId}:assumed-role/admin/torque`);
        assert.match(out.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z2-7]{17}:torque$/);
      },
    },
    {
      name: 'AssumeRole up to the role\'s maximum (12 h for admin)',
      run: (sb) => assume(sb, 'admin', { DurationSeconds: 43_200 }),
      check: (out: { Credentials: StsCredentials }) => assert.equal(out.Credentials.Expiration!.getTime(), START + 12 * HOUR),
    },
    {
      name: 'AssumeRole from an MFA session needs no code: the session carries MFA',
      run: async (sb) => assume(sb, 'admin', {}, await session(sb, 'alice', true)),
      check: (out: { AssumedRoleUser: { Arn: string } }) => assert.match(out.AssumedRoleUser.Arn, /assumed-role\/admin\/torque$/),
    },
    {
      name: 'a role chain: admin\'s credentials assume auditor for up to 1 h',
      run: async (sb) => assume(sb, 'auditor', { DurationSeconds: 3600 }, creds((await assume(sb, 'admin')).Credentials)),
      check: (out: { AssumedRoleUser: { Arn: string }; Credentials: StsCredentials }) => {
        assert.match(out.AssumedRoleUser.Arn, /assumed-role\/auditor\/torque$/);
        assert.equal(out.Credentials.Expiration!.getTime(), START + HOUR);
      },
    },
    {
      name: 'ExternalId: bob assumes partner with the right one, no MFA needed',
      run: (sb) => assume(sb, 'partner', { ExternalId: 'torque-demo' }, keyOf(sb, 'bob')),
      check: (out: { AssumedRoleUser: { Arn: string } }) => assert.match(out.AssumedRoleUser.Arn, /assumed-role\/partner\/torque$/),
    },
    {
      name: 'AssumeRole of a role whose trust needs MFA, with the user\'s code',
      run: (sb) => {
        sb.addRole({ name: 'ops', trust: { users: ['carol'] }, mfaRequired: true });
        return assume(sb, 'ops', { SerialNumber: serialOf(sb, 'carol'), TokenCode: sb.freshCode(serialOf(sb, 'carol')) }, keyOf(sb, 'carol'));
      },
      check: (out: { AssumedRoleUser: { Arn: string } }) => assert.match(out.AssumedRoleUser.Arn, /assumed-role\/ops\/torque$/),
    },
    {
      name: 'a session without MFA may still assume a role that does not ask for it',
      run: async (sb) => assume(sb, 'partner', { ExternalId: 'torque-demo' }, await session(sb, 'bob', false)),
      check: (out: { AssumedRoleUser: { Arn: string } }) => assert.match(out.AssumedRoleUser.Arn, /partner/),
    },
  ];

  for (const c of cases) {
    it(c.name, async (t) => {
      const sb = await sandboxFor(t, frozen);
      c.check((await c.run(sb)) as never, sb);
    });
  }
});

const denied = (who: string, role: string) => `User: ${who} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/${role}`;

describe('STS refusals', () => {
  const cases: { name: string; run: (sb: Sandbox) => Promise<unknown>; expect: ExpectedFailure }[] = [
    ...[
      [899, 'greater than or equal to 900'],
      [129_601, 'less than or equal to 129600'],
    ].map(([seconds, bound]) => ({
      name: `GetSessionToken for ${seconds} s: ValidationError, 400`,
      run: (sb: Sandbox) => stsClient(sb, keyOf(sb, 'bob')).send(new GetSessionTokenCommand({ DurationSeconds: seconds as number })),
      expect: { name: 'ValidationError', status: 400, code: 'ValidationError', message: `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${bound}` },
    })),
    {
      name: 'GetSessionToken with session credentials: AccessDenied',
      run: async (sb) => stsClient(sb, await session(sb, 'bob', false)).send(new GetSessionTokenCommand({})),
      expect: { name: 'AccessDenied', status: 403, message: 'Cannot call GetSessionToken with session credentials' },
    },
    {
      name: 'a session made without MFA calling IAM: InvalidClientTokenId, as AWS answers',
      run: async (sb) => iamClient(sb, await session(sb, 'bob', false)).send(new GetUserCommand({})),
      expect: { name: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' },
    },
    {
      name: 'AssumeRole by a user the trust policy does not name: AccessDenied',
      run: (sb) => assume(sb, 'admin', {}, keyOf(sb, 'bob')),
      expect: { name: 'AccessDenied', status: 403, code: 'AccessDenied', message: denied('arn:aws:iam::123456789012:user/bob', 'admin') },
    },
    {
      name: 'AssumeRole of a role whose trust needs MFA, without a code: AccessDenied',
      run: (sb) => {
        sb.addRole({ name: 'ops', trust: { users: ['carol'] }, mfaRequired: true });
        return assume(sb, 'ops', {}, keyOf(sb, 'carol'));
      },
      expect: { name: 'AccessDenied', status: 403, message: denied('arn:aws:iam::123456789012:user/carol', 'ops') },
    },
    {
      name: 'AssumeRole of a role that does not exist: AccessDenied, not NoSuchEntity',
      run: (sb) => assume(sb, 'ghost', {}, keyOf(sb, 'bob')),
      expect: { name: 'AccessDenied', status: 403, message: denied('arn:aws:iam::123456789012:user/bob', 'ghost') },
    },
    ...[undefined, 'wrong-id'].map((externalId) => ({
      name: `AssumeRole with ExternalId ${externalId ?? 'missing'}: AccessDenied`,
      run: (sb: Sandbox) => assume(sb, 'partner', externalId ? { ExternalId: externalId } : {}, keyOf(sb, 'bob')),
      expect: { name: 'AccessDenied', status: 403, message: denied('arn:aws:iam::123456789012:user/bob', 'partner') },
    })),
    {
      name: 'AssumeRole beyond the role\'s maximum: ValidationError',
      run: (sb) => assume(sb, 'partner', { ExternalId: 'torque-demo', DurationSeconds: 7200 }, keyOf(sb, 'bob')),
      expect: { name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' },
    },
    {
      name: 'AssumeRole beyond 12 h: ValidationError from the parameter\'s range',
      run: (sb) => assume(sb, 'admin', { DurationSeconds: 43_201 }),
      expect: { name: 'ValidationError', status: 400, message: /Value '43201' at 'durationSeconds'.*less than or equal to 43200/ },
    },
    {
      name: 'a role chain beyond 1 h: ValidationError',
      run: async (sb) => assume(sb, 'auditor', { DurationSeconds: 3601 }, creds((await assume(sb, 'admin')).Credentials)),
      expect: { name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' },
    },
    {
      name: 'a role chain the second role does not trust: AccessDenied naming the assumed role',
      run: async (sb) => assume(sb, 'admin', {}, creds((await assume(sb, 'partner', { ExternalId: 'torque-demo' }, keyOf(sb, 'bob'))).Credentials)),
      expect: { name: 'AccessDenied', status: 403, message: denied('arn:aws:sts::123456789012:assumed-role/partner/torque', 'admin') },
    },
    {
      name: 'a RoleSessionName too short: ValidationError',
      run: (sb) => assume(sb, 'partner', { ExternalId: 'torque-demo', RoleSessionName: 'x' }, keyOf(sb, 'bob')),
      expect: { name: 'ValidationError', status: 400, message: /Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2/ },
    },
  ];

  for (const c of cases) {
    it(c.name, async (t) => {
      const sb = await sandboxFor(t, frozen);
      assertFailure(await failure(c.run(sb)), c.expect);
    });
  }
});
