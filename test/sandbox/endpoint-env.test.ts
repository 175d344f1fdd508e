/**
 * The SDK's own endpoint settings reach the sandbox: AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL_STS,
 * with clients given no `endpoint`. (Each test file runs in its own process, so this one may set them.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { keyOf, loopbackOnly, sandboxFor } from '../helpers/sandbox.js';

describe('standard endpoint variables', () => {
  it('AWS_ENDPOINT_URL_IAM and AWS_ENDPOINT_URL_STS send each service to the sandbox', async (t) => {
    const sb = await sandboxFor(t);
    const saved = { ...process.env };
    t.after(() => {
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, saved);
    });
    process.env['AWS_ENDPOINT_URL_IAM'] = sb.endpoint;
    process.env['AWS_ENDPOINT_URL_STS'] = sb.endpoint;
    delete process.env['AWS_ENDPOINT_URL'];
    // Explicit region and credentials: only the endpoint comes from the environment.
    const config = { region: 'us-east-1', credentials: keyOf(sb, 'bob'), requestHandler: loopbackOnly(), maxAttempts: 1 };
    const sts = new STSClient(config);
    const iam = new IAMClient(config);
    assert.match((await sts.send(new GetCallerIdentityCommand({}))).Arn!, /user\/bob$/);
    assert.equal((await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.length, 1);
    assert.equal(sb.calls('GetCallerIdentity') + sb.calls('ListAccessKeys'), 2, 'both calls reached the sandbox');
  });
});
