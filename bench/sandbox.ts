/**
 * The sandbox's own cost per call, through the real SDK over loopback HTTP (signing, SigV4
 * verification, XML both ways). Benchmarks of Torque's AWS work run against the sandbox; subtract
 * these figures to see Torque's share.
 */
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSandbox } from '../dist/server/sandbox/index.js';
import { type BenchSection, median, ms, percentile, time } from './stats.js';

const CALLS = 500;
const WARMUP = 50;

export async function benchSandbox(): Promise<BenchSection> {
  const sandbox = await startSandbox();
  try {
    const bob = sandbox.users.find((u) => u.name === 'bob')!;
    const config = {
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: bob.accessKeyId!, secretAccessKey: bob.secretAccessKey! },
      maxAttempts: 1,
    };
    const sts = new STSClient(config);
    const iam = new IAMClient(config);
    const cases: [string, () => Promise<unknown>][] = [
      ['sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({}))],
      ['iam:ListAccessKeys', () => iam.send(new ListAccessKeysCommand({}))],
    ];
    const lines = [
      `${CALLS} sequential calls each (after ${WARMUP} warm-up calls), one SDK client, keep-alive HTTP on 127.0.0.1.`,
      '',
      '| call | median | p99 |',
      '| --- | --- | --- |',
    ];
    for (const [name, call] of cases) {
      await time(WARMUP, call);
      const samples = await time(CALLS, call);
      lines.push(`| ${name} | ${ms(median(samples))} | ${ms(percentile(samples, 99))} |`);
    }
    sts.destroy();
    iam.destroy();
    return { title: 'Sandbox cost per call (subtract from AWS-flow benchmarks)', lines };
  } finally {
    await sandbox.close();
  }
}
