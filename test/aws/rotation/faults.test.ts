/**
 * The fault matrix: every AWS call of a rotation failing in each way the network and AWS fail, plus a
 * write that fails and a new key that never starts working. Whatever happens, the file holds a key that
 * works, no new key is left that is neither in the file nor reported, and the exit status says so.
 */
import assert from 'node:assert/strict';
import { chmod, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import type { FaultSpec } from '../../../server/sandbox/index.js';
import { runCli } from '../../helpers/cli.js';
import { sandboxHome } from '../../helpers/sandbox-home.js';
import { allKeyIds, assertInvariants } from './check.js';

/** Short timeouts so a hang is seen quickly; the engine's defaults are 10 s per call and 60 s to verify. */
const FAST = { TORQUE_AWS_TIMEOUT_MS: '400', TORQUE_VERIFY_TIMEOUT_MS: '1500', TORQUE_RETIRE_TIMEOUT_MS: '1000' };

interface Case {
  user: 'alice' | 'bob';
  /** More arguments for `torque rotate`. */
  args?: string[];
  action: string;
  fault: Omit<FaultSpec, 'action'>;
  /** Exit 0: the fault was absorbed (a retry worked). Exit 1: it failed, safely. */
  exit: 0 | 1;
  /** What the file must hold after: the old key, or a new one. */
  holds: 'old' | 'new';
  message?: RegExp;
}

const always = { times: Infinity };
const unavailable = { code: 'ServiceUnavailable', status: 503, message: 'Service Unavailable' };
const denied = { code: 'AccessDenied', status: 403, message: 'User is not authorized to perform: iam:CreateAccessKey' };

const cases: Case[] = [];
for (const [user, actions] of [
  ['bob', ['ListMFADevices', 'ListAccessKeys', 'CreateAccessKey', 'GetCallerIdentity', 'DeleteAccessKey']],
  ['alice', ['GetSessionToken', 'ListAccessKeys', 'CreateAccessKey', 'GetCallerIdentity', 'DeleteAccessKey']],
] as const) {
  for (const action of actions) {
    const retire = action === 'DeleteAccessKey';
    // A persistent failure of a step before the write leaves the old key; of the retire step, the new one.
    const verify = action === 'GetCallerIdentity';
    // What the result must say: the new key saved but the old one left, or the new key never trusted.
    const message = retire ? /OLD_KEY_NOT_RETIRED/ : verify ? /VERIFY_FAILED/ : undefined;
    const failed = { exit: 1 as const, holds: retire ? ('new' as const) : ('old' as const), ...(message ? { message } : {}) };
    cases.push({ user, action, fault: { kind: 'error', error: unavailable, ...always }, ...failed });
    cases.push({ user, action, fault: { kind: 'drop', ...always }, ...failed });
    cases.push({ user, action, fault: { kind: 'hang', ...always }, ...failed });
    // One failure is absorbed by a retry.
    if (action !== 'GetSessionToken') cases.push({ user, action, fault: { kind: 'drop', times: 1 }, exit: 0, holds: 'new' });
  }
}
// Deactivating instead of deleting the old key: the same retire step through UpdateAccessKey.
for (const fault of [{ kind: 'error', error: unavailable, ...always }, { kind: 'drop', ...always }, { kind: 'hang', ...always }] as const) {
  cases.push({ user: 'bob', args: ['--old-key', 'deactivate'], action: 'UpdateAccessKey', fault, exit: 1, holds: 'new', message: /OLD_KEY_NOT_RETIRED/ });
}
cases.push({ user: 'bob', args: ['--old-key', 'deactivate'], action: 'UpdateAccessKey', fault: { kind: 'drop', times: 1 }, exit: 0, holds: 'new' });
cases.push(
  { user: 'bob', action: 'CreateAccessKey', fault: { kind: 'error', error: denied, ...always }, exit: 1, holds: 'old', message: /ACCESS_DENIED/ },
  // A clear refusal: AWS made nothing, so nothing is swept (a sweep here once deleted a key another run had just made).
  { user: 'bob', action: 'CreateAccessKey', fault: { kind: 'error', error: { code: 'LimitExceeded', status: 409, message: 'Cannot exceed quota for AccessKeysPerUser: 2' }, ...always }, exit: 1, holds: 'old', message: /KEY_LIMIT/ },
  // The key is made but the answer is lost: found and deleted in the same run.
  { user: 'bob', action: 'CreateAccessKey', fault: { kind: 'drop', when: 'after', ...always }, exit: 1, holds: 'old', message: /which AWS made although its answer was lost/ },
  // The old key is deleted but the answer is lost: the retry finds it gone, which is success.
  { user: 'bob', action: 'DeleteAccessKey', fault: { kind: 'drop', when: 'after', times: 1 }, exit: 0, holds: 'new' },
);

describe('rotation fault matrix', { concurrency: 4 }, () => {
  for (const c of cases) {
    const name = `${c.user}${c.args ? ` ${c.args.join(' ')}` : ''}: ${c.action} ${c.fault.kind}${c.fault.when === 'after' ? ' after the action' : ''}${c.fault.times === 1 ? ' once' : ''}${c.fault.error ? ` ${c.fault.error.code}` : ''}`;
    it(name, async () => {
      const h = await sandboxHome();
      const user = h.sandbox.users.find((u) => u.name === c.user)!;
      const before = allKeyIds(h);
      h.sandbox.faults.inject({ action: c.action, ...c.fault });
      const code = user.mfaSerial ? ['--code', h.sandbox.freshCode(user.mfaSerial)] : [];
      const result = await runCli(['rotate', c.user, ...(c.args ?? []), ...code], { ...h.env, ...FAST });
      assert.equal(result.code, c.exit, result.stdout + result.stderr);
      const held = (await h.profiles()).get(c.user)!['aws_access_key_id'];
      if (c.holds === 'old') assert.equal(held, user.accessKeyId, 'the file still holds the old key');
      else assert.notEqual(held, user.accessKeyId, 'the file holds the new key');
      if (c.message) assert.match(result.stdout + result.stderr, c.message);
      h.sandbox.faults.clear();
      await assertInvariants(h, before, result);
    });
  }

  it('a write that fails (read-only ~/.aws): the new key is deleted, the old one stays', async () => {
    const h = await sandboxHome();
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const before = allKeyIds(h);
    const folder = dirname(h.credentialsPath);
    const text = await readFile(h.credentialsPath, 'utf8');
    await chmod(folder, 0o555);
    try {
      const result = await runCli(['rotate', 'bob'], h.env, { withoutRootPowers: true });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /cannot write .*credentials: permission denied in .*\.aws .*; the file was not changed/);
      assert.equal(await readFile(h.credentialsPath, 'utf8'), text);
      assert.deepEqual(h.sandbox.keys('bob').map((k) => k.accessKeyId), [bob.accessKeyId]);
      await assertInvariants(h, before, result);
    } finally {
      await chmod(folder, 0o700);
    }
  });

  it('a new key that never starts working: the old key is put back and the new one deleted', async () => {
    const h = await sandboxHome({ propagationMs: 10 * 60_000 });
    const bob = h.sandbox.users.find((u) => u.name === 'bob')!;
    const before = allKeyIds(h);
    const text = await readFile(h.credentialsPath, 'utf8');
    const result = await runCli(['rotate', 'bob', '--json'], { ...h.env, ...FAST });
    assert.equal(result.code, 1);
    const [r] = (JSON.parse(result.stdout) as { results: { error: { code: string } }[] }).results;
    assert.equal(r!.error.code, 'VERIFY_FAILED');
    assert.equal(await readFile(h.credentialsPath, 'utf8'), text, 'the file is back as it was');
    assert.deepEqual(h.sandbox.keys('bob').map((k) => k.accessKeyId), [bob.accessKeyId]);
    await assertInvariants(h, before, result);
  });
});
