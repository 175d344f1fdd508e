/** The wire: AWS Query requests and XML answers as raw HTTP, SigV4 details, and a server bound to loopback only. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Sandbox } from '../../server/sandbox/index.js';
import { keyOf, sandboxFor } from '../helpers/sandbox.js';

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

interface Raw {
  body: string;
  service?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Changes the body after signing. */
  tamper?: (body: string) => string;
  /** Send x-amz-content-sha256 (default true, as the plain signer does; the AWS SDK clients do not). */
  checksumHeader?: boolean;
}

async function post(sb: Sandbox, raw: Raw): Promise<{ status: number; text: string; requestId: string | null }> {
  const url = new URL(sb.endpoint);
  let headers: Record<string, string> = { host: url.host, 'content-type': 'application/x-www-form-urlencoded' };
  if (raw.credentials) {
    const signer = new SignatureV4({ credentials: raw.credentials, region: 'us-east-1', service: raw.service ?? 'sts', sha256: Hash.bind(null, 'sha256'), applyChecksum: raw.checksumHeader ?? true });
    const signed = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body: raw.body }));
    headers = signed.headers;
  }
  const { host: _host, ...sent } = headers;
  const response = await fetch(`${sb.endpoint}/`, { method: 'POST', headers: sent, body: raw.tamper ? raw.tamper(raw.body) : raw.body });
  return { status: response.status, text: await response.text(), requestId: response.headers.get('x-amzn-requestid') };
}

const errorXml = (ns: string, type: string, code: string, message: string, requestId: string | null) =>
  `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;

describe('AWS Query over raw HTTP', () => {
  it('a signed GetCallerIdentity: <XResponse><XResult>, ResponseMetadata, RequestId also in x-amzn-RequestId', async (t) => {
    const sb = await sandboxFor(t);
    const got = await post(sb, { body: 'Action=GetCallerIdentity&Version=2011-06-15', credentials: keyOf(sb, 'bob') });
    assert.equal(got.status, 200);
    const user = sb.state.users.get('bob')!;
    assert.equal(
      got.text,
      `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><UserId>${user.id}</UserId><Account>123456789012</Account>` +
        `<Arn>${user.arn}</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>${got.requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
    assert.match(got.requestId!, /^[0-9a-f-]{36}$/);
  });

  it('an action without a result answers ResponseMetadata only', async (t) => {
    const sb = await sandboxFor(t);
    const id = keyOf(sb, 'bob').accessKeyId;
    const got = await post(sb, { body: `Action=UpdateAccessKey&Version=2010-05-08&AccessKeyId=${id}&Status=Active`, service: 'iam', credentials: keyOf(sb, 'bob') });
    assert.equal(got.text, `<UpdateAccessKeyResponse xmlns="${IAM_NS}"><ResponseMetadata><RequestId>${got.requestId}</RequestId></ResponseMetadata></UpdateAccessKeyResponse>`);
  });

  const refusals: { name: string; raw: (sb: Sandbox) => Raw; status: number; ns: string; code: string; message: string }[] = [
    {
      name: 'no Authorization header',
      raw: () => ({ body: 'Action=GetCallerIdentity&Version=2011-06-15' }),
      status: 403,
      ns: STS_NS,
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
    },
    {
      name: 'an unknown action',
      raw: (sb) => ({ body: 'Action=DeleteUser&Version=2010-05-08&UserName=bob', service: 'iam', credentials: keyOf(sb, 'bob') }),
      status: 400,
      ns: IAM_NS,
      code: 'InvalidAction',
      message: 'Could not find operation DeleteUser for version 2010-05-08',
    },
    {
      name: 'an STS action with IAM\'s version',
      raw: (sb) => ({ body: 'Action=GetCallerIdentity&Version=2010-05-08', credentials: keyOf(sb, 'bob') }),
      status: 400,
      ns: IAM_NS,
      code: 'InvalidAction',
      message: 'Could not find operation GetCallerIdentity for version 2010-05-08',
    },
    {
      name: 'an STS call signed for IAM',
      raw: (sb) => ({ body: 'Action=GetCallerIdentity&Version=2011-06-15', service: 'iam', credentials: keyOf(sb, 'bob') }),
      status: 403,
      ns: STS_NS,
      code: 'SignatureDoesNotMatch',
      message: 'Credential should be scoped to correct service: &apos;sts&apos;. ',
    },
    ...[true, false].map((checksumHeader) => ({
      name: `a body changed after signing (${checksumHeader ? 'with' : 'without'} x-amz-content-sha256)`,
      raw: (sb: Sandbox) => ({
        body: 'Action=GetUser&Version=2010-05-08&UserName=bob',
        service: 'iam',
        credentials: keyOf(sb, 'bob'),
        checksumHeader,
        tamper: (b: string) => b.replace('bob', 'eve'),
      }),
      status: 403,
      ns: IAM_NS,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    })),
  ];
  for (const r of refusals) {
    it(`${r.name}: ${r.code}, ${r.status}, as an ErrorResponse`, async (t) => {
      const sb = await sandboxFor(t);
      const got = await post(sb, r.raw(sb));
      assert.equal(got.status, r.status);
      assert.equal(got.text, errorXml(r.ns, 'Sender', r.code, r.message, got.requestId));
    });
  }

  it('a body far larger than any real request is refused', async (t) => {
    const sb = await sandboxFor(t);
    const got = await post(sb, { body: `Action=GetCallerIdentity&Version=2011-06-15&X=${'a'.repeat(100_000)}` });
    assert.equal(got.status, 413);
  });
});

describe('binding', () => {
  it('listens on 127.0.0.1 only', async (t) => {
    const sb = await sandboxFor(t);
    assert.equal(new URL(sb.endpoint).hostname, '127.0.0.1');
    const elsewhere = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address);
    for (const host of [...elsewhere, '::1']) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host, port: sb.port, timeout: 1000 });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('timeout', () => {
          socket.destroy();
          resolve('timeout');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      assert.notEqual(outcome, 'connected', `reachable at ${host}:${sb.port}`);
    }
  });
});
