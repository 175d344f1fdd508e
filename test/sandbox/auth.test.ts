/** Authentication: SigV4 checked against the stored secret, and every state of a key refused as AWS refuses it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, GetUserCommand, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../server/sandbox/index.js';
import { assertFailure, type ExpectedFailure, type Credentials, failure, iamClient, keyOf, sandboxFor, stsClient } from '../helpers/sandbox.js';

const START = Date.parse('2026-03-01T12:00:00Z');
const frozen = { clock: { start: START, frozen: true } };
const INVALID = { name: 'InvalidClientTokenId', status: 403, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
const whoAmI = (sb: Sandbox, c: Credentials) => stsClient(sb, c).send(new GetCallerIdentityCommand({}));

async function sessionOf(sb: Sandbox, user: string, seconds = 900): Promise<Credentials> {
  const c = (await stsClient(sb, keyOf(sb, user)).send(new GetSessionTokenCommand({ DurationSeconds: seconds }))).Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

describe('refused credentials', () => {
  const cases: { name: string; credentials: (sb: Sandbox) => Promise<Credentials> | Credentials; expect: ExpectedFailure }[] = [
    { name: 'an unknown key: InvalidClientTokenId', credentials: (sb) => ({ ...keyOf(sb, 'bob'), accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }), expect: INVALID },
    {
      name: 'a wrong secret: SignatureDoesNotMatch',
      credentials: (sb) => ({ ...keyOf(sb, 'bob'), secretAccessKey: keyOf(sb, 'carol').secretAccessKey }),
      expect: {
        name: 'SignatureDoesNotMatch',
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      },
    },
    {
      name: 'an inactive key: InvalidClientTokenId',
      credentials: async (sb) => {
        await iamClient(sb, keyOf(sb, 'bob')).send(new UpdateAccessKeyCommand({ AccessKeyId: keyOf(sb, 'bob').accessKeyId, Status: 'Inactive' }));
        return keyOf(sb, 'bob');
      },
      expect: INVALID,
    },
    {
      name: 'a deleted key: InvalidClientTokenId',
      credentials: async (sb) => {
        await iamClient(sb, keyOf(sb, 'bob')).send(new DeleteAccessKeyCommand({ AccessKeyId: keyOf(sb, 'bob').accessKeyId }));
        return keyOf(sb, 'bob');
      },
      expect: INVALID,
    },
    {
      name: 'a session past its expiration (clock moved): ExpiredToken',
      credentials: async (sb) => {
        const session = await sessionOf(sb, 'bob', 900);
        sb.clock.advance(900_000);
        return session;
      },
      expect: { name: 'ExpiredToken', status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' },
    },
    {
      name: 'a session key with another session\'s token: InvalidClientTokenId',
      credentials: async (sb) => ({ ...(await sessionOf(sb, 'bob')), sessionToken: (await sessionOf(sb, 'carol')).sessionToken }),
      expect: INVALID,
    },
    {
      name: 'a session key without its token: InvalidClientTokenId',
      credentials: async (sb) => {
        const { accessKeyId, secretAccessKey } = await sessionOf(sb, 'bob');
        return { accessKeyId, secretAccessKey };
      },
      expect: INVALID,
    },
    {
      name: 'a session with a wrong secret: SignatureDoesNotMatch',
      credentials: async (sb) => ({ ...(await sessionOf(sb, 'bob')), secretAccessKey: 'x'.repeat(40) }),
      expect: { name: 'SignatureDoesNotMatch', status: 403 },
    },
  ];

  for (const c of cases) {
    for (const service of ['sts', 'iam'] as const) {
      it(`${c.name} (${service})`, async (t) => {
        const sb = await sandboxFor(t, frozen);
        const credentials = await c.credentials(sb);
        const call = service === 'sts' ? whoAmI(sb, credentials) : iamClient(sb, credentials).send(new GetUserCommand({ UserName: 'bob' }));
        assertFailure(await failure(call), c.expect);
      });
    }
  }

  it('a session is good until the last millisecond before its expiration', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const session = await sessionOf(sb, 'bob', 900);
    sb.clock.advance(899_999);
    assert.equal((await whoAmI(sb, session)).Arn, sb.users.find((u) => u.name === 'bob')!.arn);
  });

  it('a request signed more than 15 minutes off: SignatureDoesNotMatch, and the SDK corrects its clock from the answer', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const sts = stsClient(sb, keyOf(sb, 'bob'), { systemClockOffset: -20 * 60_000 });
    assertFailure(await failure(sts.send(new GetCallerIdentityCommand({}))), {
      name: 'SignatureDoesNotMatch',
      status: 403,
      message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    });
    // The SDK took its offset from the answer's Date header, as it does with AWS; the next call is on time.
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /user\/bob$/);
  });
});

describe('new keys and propagation', () => {
  async function newKey(sb: Sandbox): Promise<Credentials> {
    const out = await iamClient(sb, keyOf(sb, 'bob')).send(new CreateAccessKeyCommand({}));
    return { accessKeyId: out.AccessKey!.AccessKeyId!, secretAccessKey: out.AccessKey!.SecretAccessKey! };
  }

  it('a new key answers InvalidClientTokenId until the propagation delay has passed (moved clock)', async (t) => {
    const sb = await sandboxFor(t, { ...frozen, propagationMs: 8000 });
    const key = await newKey(sb);
    assertFailure(await failure(whoAmI(sb, key)), INVALID);
    sb.clock.advance(7999);
    assertFailure(await failure(iamClient(sb, key).send(new ListAccessKeysCommand({}))), INVALID);
    sb.clock.advance(1);
    assert.match((await whoAmI(sb, key)).Arn!, /user\/bob$/);
  });

  it('a new key starts working after the delay in real time', async (t) => {
    const sb = await sandboxFor(t, { propagationMs: 300 });
    const start = Date.now();
    const key = await newKey(sb);
    assertFailure(await failure(whoAmI(sb, key)), INVALID);
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const answer = await whoAmI(sb, key).catch((error: Error) => error);
      if (!(answer instanceof Error)) break;
      assert.equal(answer.name, 'InvalidClientTokenId');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const waited = Date.now() - start;
    assert.ok(waited >= 300 && waited < 3000, `worked after ${waited} ms`);
    assert.ok(attempts > 1);
  });

  it('without a propagation delay a new key works at once', async (t) => {
    const sb = await sandboxFor(t, frozen);
    assert.match((await whoAmI(sb, await newKey(sb))).Arn!, /user\/bob$/);
  });
});

describe('last use of a key', () => {
  it('is recorded on every authenticated call, with service and region, and not for refused signatures', async (t) => {
    const sb = await sandboxFor(t, frozen);
    const bob = keyOf(sb, 'bob');
    assert.equal(sb.keys('bob')[0]!.lastUsed, null);
    await whoAmI(sb, bob);
    assert.deepEqual(sb.keys('bob')[0]!.lastUsed, { at: new Date(START), service: 'sts', region: 'us-east-1' });
    sb.clock.advance(60_000);
    await iamClient(sb, bob).send(new ListAccessKeysCommand({}));
    assert.deepEqual(sb.keys('bob')[0]!.lastUsed, { at: new Date(START + 60_000), service: 'iam', region: 'us-east-1' });
    sb.clock.advance(60_000);
    await failure(whoAmI(sb, { ...bob, secretAccessKey: 'y'.repeat(40) }));
    assert.equal(sb.keys('bob')[0]!.lastUsed!.at.getTime(), START + 60_000, 'a forged call is not a use');
  });

  it('is recorded even when the policy then refuses the call', async (t) => {
    const sb = await sandboxFor(t, frozen);
    await failure(iamClient(sb, keyOf(sb, 'alice')).send(new ListAccessKeysCommand({})));
    assert.equal(sb.keys('alice')[0]!.lastUsed?.service, 'iam');
  });
});
