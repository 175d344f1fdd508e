/** The engine itself, in-process: independent keys rotate at the same time, never more than the bound. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AwsClients } from '../../../server/aws/clients.js';
import { rotate } from '../../../server/aws/rotation/engine.js';
import { AwsFiles } from '../../../server/files/store.js';
import { startSandbox } from '../../../server/sandbox/index.js';
import { profileFiles, writeProfiles } from '../../../server/sandbox/profiles.js';
import { tempDir } from '../../helpers/tmp.js';

async function setUp(users: number) {
  const sandbox = await startSandbox({ latencyMs: 100, data: { users: Array.from({ length: users }, (_, i) => ({ name: `user${i}` })) }, log: () => undefined });
  after(() => sandbox.close());
  const dir = await tempDir();
  const paths = await writeProfiles(join(dir, 'aws'), profileFiles(sandbox));
  return {
    store: new AwsFiles({ ...paths, torqueHome: join(dir, 'torque') }),
    aws: new AwsClients({ env: { AWS_ENDPOINT_URL: sandbox.endpoint } }),
  };
}

/** Runs a rotation of every profile and returns the most keys that were being rotated at one time. */
async function mostAtOnce(users: number, concurrency?: number): Promise<number> {
  const { store, aws } = await setUp(users);
  let running = 0;
  let most = 0;
  const { results } = await rotate(
    {
      store,
      aws,
      codes: async () => '',
      ...(concurrency !== undefined ? { concurrency } : {}),
      onEvent: (event) => {
        if (event.step === 'start') most = Math.max(most, ++running);
        if (event.step === 'done' || event.step === 'failed') running--;
      },
    },
    { profiles: 'all', oldKey: 'delete', deleteUnused: false },
  );
  assert.deepEqual(results.map((r) => r.status), Array(users).fill('rotated'));
  return most;
}

describe('rotation engine', () => {
  it('rotates independent keys at the same time', async () => {
    assert.equal(await mostAtOnce(4), 4);
  });

  it('never rotates more keys at once than its bound', async () => {
    assert.equal(await mostAtOnce(5, 2), 2);
  });
});
