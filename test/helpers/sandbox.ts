/** Sandbox test helpers: real SDK clients that can reach nothing but loopback, and AWS errors as data. */
import assert from 'node:assert/strict';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TestContext } from 'node:test';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../server/sandbox/index.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * HTTP agents that refuse to resolve any host name: the sandbox is reached by IP (127.0.0.1), so the
 * only requests a name lookup could serve are ones going somewhere else, such as real AWS.
 */
export function loopbackOnly() {
  const refuse: LookupFunction = (hostname, _options, callback) => {
    callback(Object.assign(new Error(`test refused to resolve ${hostname}: sandbox tests reach 127.0.0.1 only`), { code: 'ENOTFOUND' }), '', 4);
  };
  return { httpAgent: new HttpAgent({ lookup: refuse }), httpsAgent: new HttpsAgent({ lookup: refuse }) };
}

/** A sandbox closed when the test ends. */
export async function sandboxFor(t: TestContext, options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ log: () => undefined, ...options });
  t.after(() => sandbox.close());
  return sandbox;
}

export interface ClientOptions {
  maxAttempts?: number;
  requestTimeout?: number;
  systemClockOffset?: number;
}

/** Clients with explicit endpoint, region and credentials: nothing is read from ~/.aws or the environment. */
function config(endpoint: string, credentials: Credentials, options: ClientOptions) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials,
    // Most cases look at one answer; retries are switched on where a case is about them.
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.systemClockOffset === undefined ? {} : { systemClockOffset: options.systemClockOffset }),
    requestHandler: { ...loopbackOnly(), ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout, throwOnRequestTimeout: true }) },
  };
}

export function iamClient(sandbox: Pick<Sandbox, 'endpoint'>, credentials: Credentials, options: ClientOptions = {}): IAMClient {
  return new IAMClient(config(sandbox.endpoint, credentials, options));
}

export function stsClient(sandbox: Pick<Sandbox, 'endpoint'>, credentials: Credentials, options: ClientOptions = {}): STSClient {
  return new STSClient(config(sandbox.endpoint, credentials, options));
}

/** A user's long-term key from the sandbox's start-up list. */
export function keyOf(sandbox: Sandbox, userName: string): Credentials {
  const user = sandbox.users.find((u) => u.name === userName);
  if (!user?.accessKeyId || !user.secretAccessKey) throw new Error(`no key for ${userName}`);
  return { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
}

export function serialOf(sandbox: Sandbox, userName: string): string {
  const serial = sandbox.users.find((u) => u.name === userName)?.mfaSerial;
  if (!serial) throw new Error(`no MFA device for ${userName}`);
  return serial;
}

/** An SDK exception reduced to what the cases compare: exception name, HTTP status, AWS code, message. */
export interface AwsFailure {
  name: string;
  status: number | undefined;
  code: string | undefined;
  message: string;
}

export async function failure(work: Promise<unknown>): Promise<AwsFailure> {
  try {
    await work;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; Code?: string; Error?: { Code?: string } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, code: e.Error?.Code ?? e.Code, message: e.message };
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/** What a case expects: the fields given, the message exactly or by pattern. */
export type ExpectedFailure = Partial<Omit<AwsFailure, 'message'>> & { message?: string | RegExp };

export function assertFailure(got: AwsFailure, expected: ExpectedFailure): void {
  const { message, ...fields } = expected;
  const picked = Object.fromEntries(Object.keys(fields).map((k) => [k, got[k as keyof AwsFailure]]));
  assert.deepEqual(picked, fields, `got ${JSON.stringify(got)}`);
  if (typeof message === 'string') assert.equal(got.message, message);
  else if (message) assert.match(got.message, message);
}
