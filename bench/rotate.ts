/**
 * Rotation against the sandbox with 50 ms of latency per call, as over a real network: one profile,
 * then 50 profiles of 50 users. Also counts the AWS calls one rotation makes.
 */
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AwsClients } from '../dist/server/aws/clients.js';
import { rotate } from '../dist/server/aws/rotation/engine.js';
import { AwsFiles } from '../dist/server/files/store.js';
import type { Sandbox, SandboxData } from '../dist/server/sandbox/index.js';
import { profileFiles, writeProfiles } from '../dist/server/sandbox/profiles.js';
import { type BenchSection, ms } from './stats.js';

const LATENCY = 50;

function users(count: number, mfa: boolean): SandboxData {
  return { users: Array.from({ length: count }, (_, i) => ({ name: `user${i}`, ...(mfa ? { mfa: true, forceMfa: true } : {}) })) };
}

/** A sandbox in a worker thread, with the same files it would write for `torque sandbox --write-profiles`. */
async function remoteSandbox(data: SandboxData) {
  const worker = new Worker(new URL('./sandbox-worker.mjs', import.meta.url), { workerData: { latencyMs: LATENCY, data } });
  const ready = (await once(worker, 'message'))[0] as Pick<Sandbox, 'endpoint' | 'users'>;
  let next = 0;
  const ask = <T>(type: string, extra: object, pick: (message: Record<string, unknown>) => T) =>
    new Promise<T>((resolve) => {
      const id = next++;
      const listen = (message: Record<string, unknown>) => {
        if (message['id'] !== id) return;
        worker.off('message', listen);
        resolve(pick(message));
      };
      worker.on('message', listen);
      worker.postMessage({ type, id, ...extra });
    });
  const code = (serial: string) => ask('code', { serial }, (m) => m['code'] as string);
  const busy = () => ask('busy', {}, (m) => m['busy'] as number);
  const close = async () => {
    worker.postMessage({ type: 'close' });
    await once(worker, 'exit');
  };
  return { ...ready, code, busy, close };
}

async function run(tmp: string, name: string, count: number, mfa: boolean) {
  const sandbox = await remoteSandbox(users(count, mfa));
  try {
    const dir = join(tmp, name);
    await mkdir(dir, { recursive: true });
    const paths = await writeProfiles(join(dir, 'aws'), profileFiles({ ...sandbox, roles: [] }));
    const store = new AwsFiles({ ...paths, torqueHome: join(dir, 'torque') });
    const aws = new AwsClients({ env: { AWS_ENDPOINT_URL: sandbox.endpoint } });
    const codes = async ({ serial }: { serial: string }) => sandbox.code(serial);
    const busyBefore = await sandbox.busy();
    const start = performance.now();
    const { results, calls } = await rotate({ store, aws, codes }, { profiles: 'all', oldKey: 'delete', deleteUnused: false });
    const wall = performance.now() - start;
    const sandboxBusy = (await sandbox.busy()) - busyBefore;
    const failed = results.filter((r) => r.status !== 'rotated');
    if (failed.length) throw new Error(`bench rotation failed: ${JSON.stringify(failed[0])}`);
    return { wall, calls, sandboxBusy };
  } finally {
    await sandbox.close();
  }
}

export async function benchRotate(tmp: string): Promise<BenchSection> {
  await run(tmp, 'warm-up', 1, false); // loads the SDK once, as both runs would in a long-lived process
  const one = await run(tmp, 'one', 1, false);
  const fifty = await run(tmp, 'fifty', 50, false);
  const mfaOne = await run(tmp, 'mfa', 1, true);
  const list = (calls: string[]) => calls.join(', ');
  return {
    title: 'Rotation (issue 4)',
    lines: [
      `Sandbox in its own thread with ${LATENCY} ms latency added to every call; each user has one key in one profile;`,
      '`rotate all` through the engine (after one warm-up rotation that loads the SDK).',
      '',
      '| what | wall time | goal |',
      '| --- | --- | --- |',
      `| rotate 1 profile | ${ms(one.wall)} | |`,
      `| rotate 50 profiles of 50 users | ${ms(fifty.wall)} | |`,
      `| ratio 50 / 1 | ${(fifty.wall / one.wall).toFixed(2)}x | ≤ 2x |`,
      `| the sandbox thread's own busy time during those runs (1 / 50) | ${ms(one.sandboxBusy)} / ${ms(fifty.sandboxBusy)} | |`,
      `| ratio with the sandbox's busy time taken out (AWS serves calls in parallel) | ${((fifty.wall - fifty.sandboxBusy) / (one.wall - one.sandboxBusy)).toFixed(2)}x | ≤ 2x |`,
      '',
      `AWS calls for one rotation, user without MFA and no \`mfa_serial\` (${one.calls.length}): ${list(one.calls)}.`,
      `With \`mfa_serial\` in the profile and the force-MFA policy (${mfaOne.calls.length}): ${list(mfaOne.calls)}.`,
      'The floor is ListAccessKeys, CreateAccessKey, one GetCallerIdentity and DeleteAccessKey; ListMFADevices is',
      'made only when no `mfa_serial` says whether the user has a device, and GetSessionToken only without a stored session.',
    ],
  };
}
