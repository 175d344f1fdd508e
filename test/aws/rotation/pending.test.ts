/** Pending-rotation records and the per-key rotation lock. */
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PendingRotations } from '../../../server/aws/rotation/pending.js';
import { tempDir } from '../../helpers/tmp.js';

describe('pending rotations', () => {
  it('saves (0600, no temp file left), lists and removes records; two saves of one key at once do not collide', async () => {
    const home = await tempDir();
    const records = new PendingRotations(home);
    const record = { oldAccessKeyId: 'AKIAOLD0000000000001', userName: 'u', profiles: ['p'], knownKeyIds: ['AKIAOLD0000000000001'], startedAt: new Date().toISOString() };
    await Promise.all([records.save(record), records.save({ ...record, newAccessKeyId: 'AKIANEW0000000000001' })]);
    assert.deepEqual(await readdir(join(home, 'pending')), ['AKIAOLD0000000000001.json']);
    assert.equal((await stat(join(home, 'pending/AKIAOLD0000000000001.json'))).mode & 0o777, 0o600);
    assert.equal((await records.list()).length, 1);
    await records.remove('AKIAOLD0000000000001');
    assert.deepEqual(await records.list(), []);
  });

  it('locks keys one by one: a second lock of a key waits, locks of two keys live side by side', async () => {
    const home = await tempDir();
    const records = new PendingRotations(home);
    const a = await records.lock('AKIAAAAAAAAAAAAAAAAA', ['a']);
    const b = await records.lock('AKIABBBBBBBBBBBBBBBB', ['b']);
    // Regression: both locks once shared one slot in proper-lockfile's table, and the refresh timer of
    // the one still held crashed the process once the other was released.
    await b();
    await sleep(2600);
    const waiting = records.lock('AKIAAAAAAAAAAAAAAAAA', ['a']);
    let got = false;
    void waiting.then(() => (got = true));
    await sleep(400);
    assert.equal(got, false, 'the second lock of a held key waits');
    await a();
    const again = await waiting;
    await again();
  });
});
