/** Realism knobs: injected faults and latency, each seen by the real SDK as it would see AWS's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { assertFailure, failure, iamClient, keyOf, sandboxFor, stsClient } from '../helpers/sandbox.js';

describe('injected AWS errors', () => {
  const cases = [
    { code: 'Throttling', status: 400, message: 'Rate exceeded', name: 'Throttling' },
    { code: 'ServiceFailure', status: 500, message: 'Request failed', name: 'ServiceFailureException' },
    { code: 'ServiceUnavailable', status: 503, message: 'Service Unavailable', name: 'ServiceUnavailable' },
  ];
  for (const error of cases) {
    it(`${error.code} (${error.status}) reaches the SDK as ${error.name}`, async (t) => {
      const sb = await sandboxFor(t);
      sb.faults.inject({ action: 'ListAccessKeys', kind: 'error', error });
      const got = await failure(iamClient(sb, keyOf(sb, 'bob')).send(new ListAccessKeysCommand({})));
      assertFailure(got, { name: error.name, status: error.status, code: error.code, message: error.message });
    });

    it(`${error.code} once is retried by the SDK, as AWS's would be`, async (t) => {
      const sb = await sandboxFor(t);
      sb.faults.inject({ action: 'ListAccessKeys', kind: 'error', error });
      const out = await iamClient(sb, keyOf(sb, 'bob'), { maxAttempts: 3 }).send(new ListAccessKeysCommand({}));
      assert.equal(out.$metadata.attempts, 2);
      assert.equal(sb.calls('ListAccessKeys'), 2);
    });
  }

  it('strikes only the call number asked for, and only the action named', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'GetCallerIdentity', call: 2, times: 2, kind: 'error', error: { code: 'Throttling', status: 400, message: 'Rate exceeded' } });
    const sts = stsClient(sb, keyOf(sb, 'bob'));
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      await iamClient(sb, keyOf(sb, 'bob')).send(new ListAccessKeysCommand({}));
      results.push(await sts.send(new GetCallerIdentityCommand({})).then(() => 'ok', (e: Error) => e.name));
    }
    assert.deepEqual(results, ['ok', 'Throttling', 'Throttling', 'ok']);
  });

  it('clear() removes every fault', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ kind: 'error', times: Infinity });
    sb.faults.clear();
    await stsClient(sb, keyOf(sb, 'bob')).send(new GetCallerIdentityCommand({}));
  });
});

describe('network faults', () => {
  it('a dropped connection: the SDK sees a reset socket', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'drop' });
    const got = await failure(stsClient(sb, keyOf(sb, 'bob')).send(new GetCallerIdentityCommand({})));
    assert.equal(got.status, undefined, 'no HTTP answer at all');
    assert.match(`${got.name} ${got.code} ${got.message}`, /ECONNRESET|socket hang up/);
  });

  it('one dropped connection is retried by the SDK', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'drop' });
    const out = await stsClient(sb, keyOf(sb, 'bob'), { maxAttempts: 3 }).send(new GetCallerIdentityCommand({}));
    assert.equal(out.$metadata.attempts, 2);
  });

  it('a hang: no answer until the client gives up, and close() does not wait for it', { timeout: 10_000 }, async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'hang' });
    const started = Date.now();
    const got = await failure(stsClient(sb, keyOf(sb, 'bob'), { requestTimeout: 200 }).send(new GetCallerIdentityCommand({})));
    assert.equal(got.name, 'TimeoutError');
    assert.ok(Date.now() - started >= 190);
    // A second hung call is still open when the sandbox closes; close must end it.
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'hang' });
    const pending = stsClient(sb, keyOf(sb, 'bob')).send(new GetCallerIdentityCommand({})).catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = Date.now();
    await sb.close();
    assert.ok(Date.now() - closing < 1000, 'close() returned promptly');
    assert.ok((await pending) instanceof Error, 'the hung call ended with an error');
  });

  it('a delay holds the call, then answers', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'delay', delayMs: 250 });
    const started = Date.now();
    await stsClient(sb, keyOf(sb, 'bob')).send(new GetCallerIdentityCommand({}));
    assert.ok(Date.now() - started >= 240);
  });

  it('a fault after the action: the key is made, the answer is lost', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'CreateAccessKey', kind: 'drop', when: 'after' });
    await failure(iamClient(sb, keyOf(sb, 'bob')).send(new CreateAccessKeyCommand({})));
    assert.equal(sb.keys('bob').length, 2, 'IAM made the key even though its secret never arrived');
  });

  it('an error before the action: nothing happens', async (t) => {
    const sb = await sandboxFor(t);
    sb.faults.inject({ action: 'CreateAccessKey', kind: 'error', error: { code: 'ServiceFailure', status: 500 } });
    await failure(iamClient(sb, keyOf(sb, 'bob')).send(new CreateAccessKeyCommand({})));
    assert.equal(sb.keys('bob').length, 1);
  });
});

describe('latency', () => {
  it('is added to every call, and can change while serving', async (t) => {
    const sb = await sandboxFor(t, { latencyMs: 150 });
    const sts = stsClient(sb, keyOf(sb, 'bob'));
    let started = Date.now();
    await sts.send(new GetCallerIdentityCommand({}));
    assert.ok(Date.now() - started >= 145);
    sb.configure({ latencyMs: 0 });
    started = Date.now();
    await sts.send(new GetCallerIdentityCommand({}));
    assert.ok(Date.now() - started < 145);
  });
});
