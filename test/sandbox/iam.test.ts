/** IAM through the real SDK over HTTP: every answer's shape and every refusal's code, status and exception name. */
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
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../server/sandbox/index.js';
import { assertFailure, type ExpectedFailure, failure, iamClient, keyOf, sandboxFor, serialOf, stsClient } from '../helpers/sandbox.js';

const START = Date.parse('2026-03-01T12:00:00Z');
const frozen = { clock: { start: START, frozen: true } };

/** Credentials of the admin role, assumed by alice with an MFA code. */
async function adminRole(sb: Sandbox) {
  const out = await stsClient(sb, keyOf(sb, 'alice')).send(
    new AssumeRoleCommand({ RoleArn: sb.roles.find((r) => r.name === 'admin')!.arn, RoleSessionName: 'ops', SerialNumber: serialOf(sb, 'alice'), TokenCode: sb.freshCode(serialOf(sb, 'alice')) }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

describe('IAM answers', () => {
  const cases: { name: string; run: (sb: Sandbox) => Promise<unknown>; check: (out: never, sb: Sandbox) => void }[] = [
    {
      name: 'GetUser without UserName describes the caller',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new GetUserCommand({})),
      check: (out: { User: { UserName: string; Arn: string; Path: string; UserId: string; CreateDate: Date } }, sb) => {
        assert.equal(out.User.UserName, 'bob');
        assert.equal(out.User.Arn, `arn:aws:iam::${sb.accountId}:user/bob`);
        assert.equal(out.User.Path, '/');
        assert.match(out.User.UserId, /^AIDA[A-Z2-7]{17}$/);
        assert.ok(out.User.CreateDate instanceof Date && out.User.CreateDate.getTime() < START);
      },
    },
    {
      name: 'ListAccessKeys lists the caller\'s keys with status and date',
      run: (sb) => iamClient(sb, keyOf(sb, 'dave')).send(new ListAccessKeysCommand({})),
      check: (out: { AccessKeyMetadata: { UserName: string; AccessKeyId: string; Status: string; CreateDate: Date }[]; IsTruncated: boolean }, sb) => {
        assert.deepEqual(
          out.AccessKeyMetadata.map((k) => [k.UserName, k.AccessKeyId, k.Status]),
          sb.keys('dave').map((k) => ['dave', k.accessKeyId, k.status]),
        );
        assert.deepEqual(out.AccessKeyMetadata.map((k) => k.Status), ['Active', 'Inactive']);
        assert.ok(out.AccessKeyMetadata.every((k) => k.CreateDate instanceof Date));
        assert.equal(out.IsTruncated, false);
      },
    },
    {
      name: 'CreateAccessKey returns a new AKIA key with its secret, once',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new CreateAccessKeyCommand({})),
      check: (out: { AccessKey: { UserName: string; AccessKeyId: string; SecretAccessKey: string; Status: string; CreateDate: Date } }, sb) => {
        assert.equal(out.AccessKey.UserName, 'bob');
        assert.match(out.AccessKey.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
        assert.match(out.AccessKey.SecretAccessKey, /^[A-Za-z0-9+/]{40}$/);
        assert.equal(out.AccessKey.Status, 'Active');
        assert.equal(out.AccessKey.CreateDate.getTime(), START);
        assert.deepEqual(sb.keys('bob').map((k) => k.accessKeyId), [keyOf(sb, 'bob').accessKeyId, out.AccessKey.AccessKeyId]);
      },
    },
    {
      name: 'UpdateAccessKey changes the status of a key (empty answer)',
      run: (sb) => iamClient(sb, keyOf(sb, 'dave')).send(new UpdateAccessKeyCommand({ AccessKeyId: sb.keys('dave')[1]!.accessKeyId, Status: 'Active' })),
      check: (out: { $metadata: { httpStatusCode: number } }, sb) => {
        assert.equal(out.$metadata.httpStatusCode, 200);
        assert.deepEqual(sb.keys('dave').map((k) => k.status), ['Active', 'Active']);
      },
    },
    {
      name: 'DeleteAccessKey removes a key (empty answer)',
      run: (sb) => iamClient(sb, keyOf(sb, 'dave')).send(new DeleteAccessKeyCommand({ AccessKeyId: sb.keys('dave')[1]!.accessKeyId })),
      check: (_out, sb) => assert.deepEqual(sb.keys('dave').map((k) => k.accessKeyId), [keyOf(sb, 'dave').accessKeyId]),
    },
    {
      name: 'GetAccessKeyLastUsed gives date, service and region of the last use',
      run: (sb) => iamClient(sb, keyOf(sb, 'dave')).send(new GetAccessKeyLastUsedCommand({ AccessKeyId: sb.keys('dave')[1]!.accessKeyId })),
      check: (out: { UserName: string; AccessKeyLastUsed: { LastUsedDate: Date; ServiceName: string; Region: string } }) => {
        assert.equal(out.UserName, 'dave');
        assert.equal(out.AccessKeyLastUsed.LastUsedDate.getTime(), Math.floor((START - 200 * 86_400_000) / 1000) * 1000);
        assert.equal(out.AccessKeyLastUsed.ServiceName, 'sts');
        assert.equal(out.AccessKeyLastUsed.Region, 'us-east-1');
      },
    },
    {
      name: 'GetAccessKeyLastUsed of a never used key says N/A and no date',
      run: async (sb) => {
        const iam = iamClient(sb, keyOf(sb, 'bob'));
        const created = await iam.send(new CreateAccessKeyCommand({}));
        return iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: created.AccessKey!.AccessKeyId }));
      },
      check: (out: { AccessKeyLastUsed: Record<string, unknown> }) => {
        assert.deepEqual({ ...out.AccessKeyLastUsed }, { ServiceName: 'N/A', Region: 'N/A' });
      },
    },
    {
      name: 'ListMFADevices lists the virtual device (allowed without MFA under force-MFA)',
      run: (sb) => iamClient(sb, keyOf(sb, 'alice')).send(new ListMFADevicesCommand({})),
      check: (out: { MFADevices: { UserName: string; SerialNumber: string; EnableDate: Date }[] }, sb) => {
        assert.deepEqual(out.MFADevices.map((d) => [d.UserName, d.SerialNumber]), [['alice', `arn:aws:iam::${sb.accountId}:mfa/alice`]]);
        assert.ok(out.MFADevices[0]!.EnableDate instanceof Date);
      },
    },
    {
      name: 'ListMFADevices of a user without a device is an empty list',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new ListMFADevicesCommand({})),
      check: (out: { MFADevices: unknown[] }) => assert.deepEqual(out.MFADevices, []),
    },
    {
      name: 'role credentials act on a user they name',
      run: async (sb) => iamClient(sb, await adminRole(sb)).send(new ListAccessKeysCommand({ UserName: 'bob' })),
      check: (out: { AccessKeyMetadata: { UserName: string }[] }) => assert.deepEqual(out.AccessKeyMetadata.map((k) => k.UserName), ['bob']),
    },
  ];

  for (const c of cases) {
    it(c.name, async (t) => {
      const sb = await sandboxFor(t, frozen);
      c.check((await c.run(sb)) as never, sb);
    });
  }
});

describe('IAM refusals', () => {
  const cases: { name: string; run: (sb: Sandbox) => Promise<unknown>; expect: ExpectedFailure }[] = [
    {
      name: 'a third key: LimitExceeded, 409, AWS\'s quota message',
      run: (sb) => iamClient(sb, keyOf(sb, 'dave')).send(new CreateAccessKeyCommand({})),
      expect: { name: 'LimitExceededException', status: 409, code: 'LimitExceeded', message: 'Cannot exceed quota for AccessKeysPerUser: 2' },
    },
    {
      name: 'updating a key the user does not have: NoSuchEntity, 404',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new UpdateAccessKeyCommand({ AccessKeyId: keyOf(sb, 'carol').accessKeyId, Status: 'Inactive' })),
      expect: { name: 'NoSuchEntityException', status: 404, code: 'NoSuchEntity', message: /^The Access Key with id AKIA\w+ cannot be found\.$/ },
    },
    {
      name: 'deleting an unknown key: NoSuchEntity, 404',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new DeleteAccessKeyCommand({ AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
      expect: { name: 'NoSuchEntityException', status: 404, code: 'NoSuchEntity', message: 'The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.' },
    },
    {
      name: 'a user that does not exist, asked by a role: NoSuchEntity, 404',
      run: async (sb) => iamClient(sb, await adminRole(sb)).send(new GetUserCommand({ UserName: 'nobody' })),
      expect: { name: 'NoSuchEntityException', status: 404, code: 'NoSuchEntity', message: 'The user with name nobody cannot be found.' },
    },
    {
      name: 'a bad Status: ValidationError, 400',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new UpdateAccessKeyCommand({ AccessKeyId: keyOf(sb, 'bob').accessKeyId, Status: 'Paused' as 'Active' })),
      expect: { name: 'ValidationError', status: 400, code: 'ValidationError', message: /Value 'Paused' at 'status' failed to satisfy constraint/ },
    },
    {
      name: 'role credentials without UserName: ValidationError, 400',
      run: async (sb) => iamClient(sb, await adminRole(sb)).send(new ListAccessKeysCommand({})),
      expect: { name: 'ValidationError', status: 400, message: 'Must specify userName when calling with non-User credentials' },
    },
    {
      name: 'another user\'s keys: AccessDenied, 403, naming action and resource',
      run: (sb) => iamClient(sb, keyOf(sb, 'bob')).send(new ListAccessKeysCommand({ UserName: 'carol' })),
      expect: {
        name: 'AccessDenied',
        status: 403,
        code: 'AccessDenied',
        message: 'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ListAccessKeys on resource: user carol because no identity-based policy allows the iam:ListAccessKeys action',
      },
    },
  ];

  for (const c of cases) {
    it(c.name, async (t) => {
      const sb = await sandboxFor(t, frozen);
      assertFailure(await failure(c.run(sb)), c.expect);
    });
  }

  it('a refused call changes nothing', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const before = sb.keys('dave');
    await failure(iamClient(sb, keyOf(sb, 'dave')).send(new CreateAccessKeyCommand({})));
    assert.deepEqual(sb.keys('dave').map((k) => k.accessKeyId), before.map((k) => k.accessKeyId));
  });
});
